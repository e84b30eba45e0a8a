#!/usr/bin/env bash
# Builds the release binary with the Swift standard library linked in (it runs where Swift is not
# installed: it needs only libc, libxml2 and zlib, and libzstd for zstd inputs) and installs it
# with its manual pages and bash, zsh and fish completions. README: Install.
# Usage: deploy/install/install.sh [PREFIX]    (default /usr/local; DESTDIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=${1:-/usr/local}
root="${DESTDIR:-}$prefix"
swift build -c release --static-swift-stdlib --product tracereport
binary="$(swift build -c release --show-bin-path)/tracereport"
swift build --product generate-manual
manual_tool="$(swift build --show-bin-path)/generate-manual"
install -d "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
  "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"
install -m 755 -s "$binary" "$root/bin/tracereport"
manual=$(mktemp -d)
trap 'rm -rf "$manual"' EXIT
"$manual_tool" "$binary" --multi-page --output-directory "$manual"
install -m 644 "$manual"/*.1 "$root/share/man/man1/"
"$binary" --generate-completion-script bash > "$root/share/bash-completion/completions/tracereport"
"$binary" --generate-completion-script zsh > "$root/share/zsh/site-functions/_tracereport"
"$binary" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/tracereport.fish"
echo "installed $root/bin/tracereport ($(($(stat -c %s "$root/bin/tracereport") / 1048576)) MiB), $(ls "$manual" | wc -l) manual pages, bash, zsh and fish completions"
