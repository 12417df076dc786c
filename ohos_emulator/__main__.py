"""`python -m ohos_emulator`: the same as the `ohos-hil-emulator` command."""

import sys

from ohos_emulator.cli import main

sys.exit(main())
