"""The `ohos-hil` command line."""
