"""The emulated SSH server's parts: auth and requests, exec and shell, SFTP, direct-tcpip (see ssh_server)."""
