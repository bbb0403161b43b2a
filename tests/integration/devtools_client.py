"""A small client for the Chrome DevTools Protocol over a WebSocket (RFC 6455), written
with the standard library only, to drive headless Chromium in tests.

Only what the tests need: text frames, client masking, fragmented replies, and commands
matched to their responses by id while events are kept for wait_event().
"""
import base64
import json
import os
import socket
import struct
import time
import urllib.request


class DevToolsError(Exception):
    pass


class WebSocket:
    def __init__(self, host, port, path, timeout=60):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise DevToolsError("the browser closed the connection during the handshake")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise DevToolsError(f"WebSocket handshake failed: {head!r}")

    def _read_exact(self, size):
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise DevToolsError("the browser closed the connection")
            data += chunk
        return data

    def send_text(self, text):
        payload = text.encode()
        header = bytes([0x81])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", size)
        mask = os.urandom(4)
        masked = bytes(octet ^ mask[i % 4] for i, octet in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive_text(self):
        message = b""
        while True:
            first, second = self._read_exact(2)
            opcode = first & 0x0F
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._read_exact(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._read_exact(8))[0]
            mask = self._read_exact(4) if second & 0x80 else None
            payload = self._read_exact(size)
            if mask:
                payload = bytes(octet ^ mask[i % 4] for i, octet in enumerate(payload))
            if opcode == 0x8:
                raise DevToolsError("the browser closed the WebSocket")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self):
        self.sock.close()


class DevToolsPage:
    """One page target of a running browser."""

    def __init__(self, devtools_port, timeout=60):
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list",
                                    timeout=timeout) as reply:
            targets = json.load(reply)
        pages = [t for t in targets if t.get("type") == "page"]
        if not pages:
            raise DevToolsError(f"no page target: {targets!r}")
        url = pages[0]["webSocketDebuggerUrl"]
        path = url.split(f"127.0.0.1:{devtools_port}", 1)[1]
        self.socket = WebSocket("127.0.0.1", devtools_port, path, timeout)
        self.next_id = 0
        self.events = []
        self.timeout = timeout

    def call(self, method, **params):
        self.next_id += 1
        request_id = self.next_id
        self.socket.send_text(json.dumps({"id": request_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.receive_text())
            if message.get("id") == request_id:
                if "error" in message:
                    raise DevToolsError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_event(self, method):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(index)
            message = json.loads(self.socket.receive_text())
            if "method" in message:
                self.events.append(message)
        raise DevToolsError(f"no {method} within {self.timeout} s")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def navigate_by(self, expression):
        """Run expression, which starts a navigation, and wait until the new page loaded."""
        self.events.clear()
        self.evaluate(expression)
        self.wait_event("Page.loadEventFired")

    def load(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as output:
            output.write(base64.b64decode(data))

    def close(self):
        self.socket.close()
