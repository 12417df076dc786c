"""ohos-hil: a hardware-in-the-loop conformance harness for OpenHarmony devices."""

__version__ = "0.1.0"
