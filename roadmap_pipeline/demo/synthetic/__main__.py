"""``python -m roadmap_pipeline.demo.synthetic``: the generator's command line."""

import sys

from roadmap_pipeline.demo.synthetic.cli import main

sys.exit(main())
