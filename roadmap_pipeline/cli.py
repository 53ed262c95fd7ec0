"""`roadmap` console script: look inside landing-zone files, run the pipeline, make the demo."""

from __future__ import annotations

import argparse
import json
import sys

from roadmap_pipeline.lib.formats.reader import UnreadableFile, read_file
from roadmap_pipeline.lib.records import Document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="roadmap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    parse_cmd = commands.add_parser(
        "parse",
        help="print every document of FILE as JSON Lines on stdout, every reject on stderr",
        description="Exit 0 when every file gave documents or was read without error (even with "
        "rejected records), 2 when nothing could be read from a file: it is missing, its format is "
        "unknown, or every record of it was rejected.",
    )
    parse_cmd.add_argument("files", nargs="+", metavar="FILE")
    materialize_cmd = commands.add_parser(
        "materialize", help="materialize every month of the landing zone and everything downstream",
        description="Runs the graph's stages in turn in this process (the raw months, core, one run per "
        "subclass, indicators and report) and prints a summary of the warehouse.",
    )
    materialize_cmd.add_argument("--month", action="append", help="only this month (YYYY-MM); repeatable")
    from roadmap_pipeline.demo.synthetic.cli import DESCRIPTION, add_arguments

    add_arguments(commands.add_parser(
        "generate", help="write a SYNTHETIC five-office corpus and its ground truth into an empty landing zone",
        description=DESCRIPTION,
    ))
    commands.add_parser(
        "seed-samples", help="fill an empty landing zone with the real sample files shipped with the tests"
    )
    args = parser.parse_args(argv)
    if args.command == "parse":
        return parse_files(args.files)
    if args.command == "seed-samples":
        return seed_samples()
    if args.command == "generate":
        from roadmap_pipeline.demo.synthetic import run

        return run(args)
    from roadmap_pipeline.run import materialize_landing_zone

    return materialize_landing_zone(months=args.month)


def seed_samples() -> int:
    """The `roadmap seed-samples` command."""
    from roadmap_pipeline import settings
    from roadmap_pipeline.demo.samples import seed_landing_zone

    copied = seed_landing_zone(settings.raw_dir())
    where = settings.raw_dir()
    print(f"landing zone {where}: " + (f"{copied} sample files copied" if copied else "already holds files, left as is"))
    return 0


def parse_files(files: list[str]) -> int:
    """The `roadmap parse` command."""
    status = 0
    out, err = sys.stdout, sys.stderr
    for path in files:
        documents = errors = 0
        try:
            for record in read_file(path):
                if isinstance(record, Document):
                    documents += 1
                    out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
                else:
                    errors += record.severity == "error"
                    err.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            if errors and not documents:  # nothing could be read (a cut file keeps what precedes the cut)
                status = 2
        except UnreadableFile as exc:
            err.write(json.dumps({"source_file": path, "locator": "file", "reason": f"cannot read: {exc}"}) + "\n")
            status = 2
    out.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
