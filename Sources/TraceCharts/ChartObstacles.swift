/// What a label must keep clear of in a chart: boxes (nodes, labels already placed) and the
/// straight pieces of lines, kept in a grid of square cells over the drawing so that a question
/// about one box looks only at what lies near it.
struct ChartObstacles {
    typealias Point = LayeredLayout.Point
    typealias Rect = LayeredLayout.Rect

    /// 64 px, or larger where the drawing would need more than a million cells.
    private let cellSize: Double
    private let columns: Int
    private let rows: Int
    private var boxes: [[Rect]]
    private var pieces: [[(from: Point, to: Point)]]

    /// A grid over a drawing of `width` × `height` holding the pieces of `lines` (what lies
    /// outside the drawing is kept in its edge cells).
    init(width: Double, height: Double, lines: [[Point]]) {
        let size = max(64, (max(width, 1) * max(height, 1) / 1_000_000).squareRoot())
        cellSize = size.isFinite ? size : 64
        columns = Self.count(width, cellSize)
        rows = Self.count(height, cellSize)
        boxes = Array(repeating: [], count: columns * rows)
        pieces = Array(repeating: [], count: columns * rows)
        for line in lines where line.count > 1 {
            for index in 1..<line.count {
                let (a, b) = (line[index - 1], line[index])
                let bounds = Rect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(a.x - b.x), height: abs(a.y - b.y))
                for cell in cells(covering: bounds) { pieces[cell].append((a, b)) }
            }
        }
    }

    mutating func insert(_ box: Rect) {
        for cell in cells(covering: box) { boxes[cell].append(box) }
    }

    /// Whether `box` touches no box and no piece of a line.
    func isClear(_ box: Rect) -> Bool {
        for cell in cells(covering: box) {
            if boxes[cell].contains(where: { $0.intersects(box) })
                || pieces[cell].contains(where: { Self.piece(from: $0.from, to: $0.to, crosses: box) })
            {
                return false
            }
        }
        return true
    }

    /// Whether the straight piece from `a` to `b` has a point inside `box` (Liang–Barsky clipping).
    static func piece(from a: Point, to b: Point, crosses box: Rect) -> Bool {
        let dx = b.x - a.x
        let dy = b.y - a.y
        var enter = 0.0
        var leave = 1.0
        for (p, q) in [(-dx, a.x - box.x), (dx, box.maxX - a.x), (-dy, a.y - box.y), (dy, box.maxY - a.y)] {
            if p == 0 {
                if q < 0 { return false }
            } else if p < 0 {
                enter = max(enter, q / p)
            } else {
                leave = min(leave, q / p)
            }
            if enter > leave { return false }
        }
        return true
    }

    /// How many cells of `size` cover `length` (at least one; at most 2^16, so that no value traps).
    private static func count(_ length: Double, _ size: Double) -> Int { Int(max(1, min(65_536, (length / size).rounded(.up)))) }

    /// The indices of the cells `box` lies in, held to the grid (a lazy sequence: nothing is
    /// allocated, and `self` is not held while a caller changes the cells).
    private func cells(covering box: Rect) -> some Sequence<Int> {
        let (columns, rows, cellSize) = (columns, rows, cellSize)
        func index(_ value: Double, _ count: Int) -> Int { Int(max(0, min(Double(count - 1), (value / cellSize).rounded(.down)))) }
        let columnRange = index(box.x, columns)...index(box.maxX, columns)
        return (index(box.y, rows)...index(box.maxY, rows)).lazy.flatMap { row in columnRange.lazy.map { row * columns + $0 } }
    }
}
