"""The labgrid resources that stand for one device, and their names (shared by exporter and run).

Per device, one resource group named by its id:

- ``NetworkSerialPort`` (labgrid's class: host, port, speed, protocol ``rfc2217`` or ``raw``) for
  the serial console, or ``RawSerialPort`` for a local tty (the exporter serves it through ser2net);
- ``NetworkService`` (labgrid's class: address, port, username) for SSH;
- ``OhosHdc`` (ours, exported as a plain entry: ``server`` host:port, ``connect_key``) for hdc;
- ``OhosDevice`` (ours, plain entry) with what the harness needs: capabilities, shim variants,
  waivers, the SSH key and known_hosts files and the serial login (lists as comma-separated text:
  labgrid's resource params are scalars).
"""

from __future__ import annotations

SERIAL = "NetworkSerialPort"
LOCAL_SERIAL = "RawSerialPort"
SSH = "NetworkService"
HDC = "OhosHdc"
DEVICE = "OhosDevice"


def place_name(exporter: str, device_id: str) -> str:
    """The place of a device: unique across lab hosts, whose devices may share ids."""
    return f"{exporter}-{device_id}"


def joined(values: object) -> str:
    return ",".join(sorted(str(v) for v in values)) if not isinstance(values, str) else values


def split(text: object) -> list[str]:
    return [part for part in str(text or "").split(",") if part]
