"""tracereport on Apache Spark: the report of many span export files, made by a cluster.

    spark-submit deploy/spark/tracereport_job.py --tracereport /opt/tracereport/bin/tracereport \
        --partitions 64 --work /shared/tracereport-work --output /shared/sites/2026-11-30 \
        [--build-arg=--title --build-arg="Nightly"] [--merge-arg=--base-url=https://...] INPUT...

(or `python3 deploy/spark/tracereport_job.py --master local[2] ...` with `pip install pyspark`.)

1. The driver asks `tracereport partition --list-inputs` which files the INPUT arguments name, in
   the order a single run reads them.
2. Map: one task per file runs `tracereport partition FILE --partitions N`, and hands each of
   its N partition files (and its partitions.json) to Spark, keyed by partition number.
3. Shuffle: Spark brings the files of each partition together, one Spark partition per
   tracereport partition.
4. Reduce: one task per partition writes its files (in file order) to local disk and runs
   `tracereport build --partition FILES... --output WORK/build-K`; another writes the
   manifests to WORK/manifests.
5. The driver runs `tracereport merge WORK/manifests/* WORK/build-* --output SITE`.

The site is the one `tracereport INPUT... --output SITE` writes on one machine (with the same
--build-arg options), byte for byte. WORK must be a folder every executor and the driver see
(a shared file system); the tracereport binary must be at the same path on every executor.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from pyspark.sql import SparkSession

# partition exits 1 when its input was skipped (unreadable: it is then listed as skipped in the
# manifest) and 65 when no input could be read; both still write the partition folder.
PARTITION_WRITTEN = (0, 1, 65)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="tracereport's partition, build and merge stages on Apache Spark.")
    parser.add_argument("inputs", nargs="+", help="span export files or folders holding them")
    parser.add_argument("--tracereport", required=True, help="path of the tracereport binary on every executor")
    parser.add_argument("--partitions", type=int, required=True, help="how many partitions to file the spans in")
    parser.add_argument("--work", required=True, help="a folder every executor and the driver see, for the builds")
    parser.add_argument("--output", required=True, help="the folder to write the site to")
    parser.add_argument("--master", help="the Spark master (default: spark-submit's), e.g. local[2]")
    parser.add_argument("--format", help="read every input as this format (otlp-json, otlp-proto, jaeger, zipkin)")
    parser.add_argument("--build-arg", action="append", default=[], help="an option for every build (repeat)")
    parser.add_argument("--merge-arg", action="append", default=[], help="an option for merge (repeat)")
    return parser.parse_args(argv)


def run(command, allowed=(0,), cwd=None):
    """Runs a tracereport command; raises with its error output unless its status is allowed."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd if cwd and os.path.isdir(cwd) else None)
    if result.returncode not in allowed:
        raise RuntimeError("%s exited with %d: %s" % (" ".join(command), result.returncode, result.stderr.strip()))
    return result


def partition_task(tracereport, partitions, format_arguments, cwd):
    """Map: partitions each (number, file) of a Spark partition; yields (partition, (number, name, bytes)).
    Files are named as the driver listed them (relative to its folder, `cwd`, where they were given
    so), so that the site names them as a single run would."""

    def task(items):
        for number, path in items:
            folder = tempfile.mkdtemp(prefix="tracereport-map-%05d-" % number)
            try:
                output = os.path.join(folder, "partitions")
                run([tracereport, "partition", path, "--partitions", str(partitions), "--output", output, "--quiet"]
                    + format_arguments, allowed=PARTITION_WRITTEN, cwd=cwd)
                for name in sorted(os.listdir(output)):
                    if name.endswith(".trspans"):
                        key = int(name.split("-")[1])
                    elif name == "partitions.json":
                        key = partitions
                    else:
                        continue
                    with open(os.path.join(output, name), "rb") as file:
                        yield key, (number, name, file.read())
            finally:
                shutil.rmtree(folder, ignore_errors=True)

    return task


def build_task(tracereport, work, build_arguments):
    """Reduce: builds the partition whose files a Spark partition holds (or keeps the manifests)."""

    def task(records):
        records = sorted(records, key=lambda record: (record[0], record[1][0]))
        if not records:
            return
        key = records[0][0]
        if any(record[0] != key for record in records):
            raise RuntimeError("files of several partitions in one task")
        if records[0][1][1] == "partitions.json":
            for _, (number, name, data) in records:
                folder = os.path.join(work, "manifests", "map-%05d" % number)
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, name), "wb") as file:
                    file.write(data)
            yield key, "manifests"
            return
        folder = tempfile.mkdtemp(prefix="tracereport-build-%05d-" % key)
        try:
            files = []
            for _, (number, name, data) in records:
                path = os.path.join(folder, "map-%05d-%s" % (number, name))
                with open(path, "wb") as file:
                    file.write(data)
                files.append(path)
            output = os.path.join(work, "build-%05d" % key)
            run([tracereport, "build", "--partition", *files, "--output", output, "--force", "--quiet"] + build_arguments)
            yield key, output
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return task


def main(argv):
    arguments = parse_arguments(argv)
    tracereport = os.path.abspath(arguments.tracereport)
    work = os.path.abspath(arguments.work)
    format_arguments = ["--format", arguments.format] if arguments.format else []
    listed = run([tracereport, "partition", "--list-inputs", *arguments.inputs] + format_arguments).stdout.splitlines()
    files = [path for path in listed if path]
    if not files:
        sys.exit("no span export files found in %s" % ", ".join(arguments.inputs))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    builder = SparkSession.builder.appName("tracereport")
    if arguments.master:
        builder = builder.master(arguments.master)
    spark = builder.getOrCreate()
    try:
        context = spark.sparkContext
        partitions = arguments.partitions
        built = (
            context.parallelize(list(enumerate(files)), numSlices=len(files))
            .mapPartitions(partition_task(tracereport, partitions, format_arguments, os.getcwd()))
            .partitionBy(partitions + 1, lambda key: key)
            .mapPartitions(build_task(tracereport, work, arguments.build_arg))
            .collect()
        )
    finally:
        spark.stop()
    builds = sorted(path for key, path in built if key < arguments.partitions)
    if len(builds) != arguments.partitions:
        sys.exit("%d of %d partitions were built" % (len(builds), arguments.partitions))
    manifests = sorted(os.path.join(work, "manifests", name) for name in os.listdir(os.path.join(work, "manifests")))
    merge = [tracereport, "merge", *manifests, *builds, "--output", os.path.abspath(arguments.output)] + arguments.merge_arg
    status = subprocess.run(merge).returncode
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
