"""``python -m bench --scale small|medium|large``: the one benchmark harness (see bench/harness.py)."""
import sys

from bench.harness import main

sys.exit(main())
