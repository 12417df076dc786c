"""The SSH transport (paramiko): exec, SFTP, `direct-tcpip`, host keys checked, reconnect after drops."""

from harness.transport.ssh.channels import SshRunningCommand
from harness.transport.ssh.transport import SshTransport

__all__ = ["SshRunningCommand", "SshTransport"]
