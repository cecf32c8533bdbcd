"""``python -m maxremind`` and the frozen executable's entry point."""

import sys

from maxremind.cli import main

if __name__ == "__main__":
    sys.exit(main())
