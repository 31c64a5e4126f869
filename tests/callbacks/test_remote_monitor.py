import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

from torchkeras.callbacks import RemoteMonitor


def test_posts_epoch_logs_as_a_form_field():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append(json.loads(parse_qs(body)["data"][0]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    cb = RemoteMonitor(root=f"http://127.0.0.1:{server.server_port}")
    cb.on_epoch_end(3, {"loss": 0.5})
    thread.join(5)
    server.server_close()
    assert received == [{"epoch": 3, "loss": 0.5}]
