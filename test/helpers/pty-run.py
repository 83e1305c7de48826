"""Runs a command in a pseudo-terminal COLS columns wide, as a person's terminal runs it,
and prints what the terminal received (line ends as \\n); exits with the command's code.
Usage: pty-run.py COLS COMMAND [ARG...]"""
import fcntl, os, pty, struct, sys, termios

cols = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    # The size is set on the terminal before the command starts, so it reads it at once.
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 50, cols, 0, 0))
    os.execvp(sys.argv[2], sys.argv[2:])
out = bytearray()
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the command exited and closed the terminal
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out).replace(b'\r\n', b'\n'))
sys.exit(os.waitstatus_to_exitcode(status))
