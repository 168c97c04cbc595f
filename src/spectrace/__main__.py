"""The console script and `python -m spectrace`: replay a stored answer when nothing
changed (replay.py), else run the CLI, recording the run when it may be replayed."""

import sys


def main() -> None:
    from spectrace import replay

    argv = sys.argv[1:]
    replay.replay(argv)  # exits when it answered
    recorder = replay.Recorder.begin(argv)
    from spectrace.cli import main as run

    try:
        run()
    except SystemExit as exc:
        if recorder is not None:
            recorder.finish(exc.code)
        raise
    except BaseException:
        if recorder is not None:
            recorder.spoiled = True
            recorder.finish(None)
        raise


if __name__ == "__main__":
    main()
