"""smtp_sink.py — a tiny SMTP server on loopback for the invitation tests.

What it is for: receiving what `cxloop invite send` and the server's mailer
hand to an SMTP server, so the tests can read each message exactly as it
left cxloop, and refusing chosen recipients (a 550 or 450 reply) to test
the failure paths.

What it relies on: Python's socketserver only; it speaks the part of SMTP
that a client without TLS or login uses (EHLO/HELO, MAIL, RCPT, DATA with
dot-unstuffing, RSET, NOOP, QUIT).

What it must never do: listen on anything but 127.0.0.1, or accept a
message for a recipient it was told to refuse.
"""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        sink = self.server.sink
        with sink.lock:
            sink.connections += 1
        self.reply("220 sink.test ESMTP ready")
        mail_from, rcpts = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-sink.test\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                mail_from, rcpts = line[10:].strip(), []
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                address = line[8:].strip().strip("<>")
                if address in sink.reject:
                    self.reply(sink.reject[address])
                else:
                    rcpts.append(address)
                    self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("554 5.5.1 no valid recipients")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    if chunk.startswith(b".."):
                        chunk = chunk[1:]
                    data.append(chunk)
                with sink.lock:
                    sink.messages.append({"from": mail_from, "to": list(rcpts),
                                          "data": b"".join(data)})
                self.reply("250 2.0.0 queued")
                rcpts = []
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """Start with SmtpSink().start(); .url is smtp://127.0.0.1:PORT."""

    def __init__(self, reject=None):
        self.reject = dict(reject or {})  # address -> reply line
        self.messages = []
        self.connections = 0
        self.lock = threading.Lock()
        self._server = None

    def start(self):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self._server.server_address[1]

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
