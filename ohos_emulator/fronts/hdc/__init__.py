"""The emulated hdc server's parts: channels, shell, file transfer and port forwards (see hdc_server)."""
