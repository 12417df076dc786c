"""A process that holds an inventory device as a run does, until its stdin closes (the lease tests).

``python lease_holder.py INVENTORY DEVICE [unplug]``: with ``unplug`` it also sets the battery to 12 %
unplugged (a journaled condition). It prints ``holding`` once the device is its own.
"""

import sys
from pathlib import Path

from harness.registry import DeviceRegistry, RunOptions

registry = DeviceRegistry(RunOptions(inventory=Path(sys.argv[1]), lease_timeout=0))
device = registry.get(sys.argv[2])
if sys.argv[3:] == ["unplug"]:
    device.battery.set(12, charging=False)
print("holding", flush=True)
sys.stdin.read()
registry.close()
