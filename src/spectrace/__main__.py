"""`python -m spectrace`: the same entry point as the console script."""

from spectrace.cli import main

if __name__ == "__main__":
    main()
