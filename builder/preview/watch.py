"""Live preview, the loop: build, serve, and build again whenever a watched file changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .server import Server, State, problems_text
from .session import Previewer, Snapshot, snapshot

POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.05  # an editor's save can be several writes: build once they stop


class Preview:
    """One preview: the builder, the state the server shows, the server, and the watcher's loop."""

    def __init__(self, previewer: Previewer, watched: list[Path], echo: Callable[[str], None]) -> None:
        self.previewer, self.watched, self.echo = previewer, watched, echo
        self.state = State()
        self.stopped = threading.Event()
        self._retired: list[Path | None] = []

    def build(self) -> None:
        """Build once and show the result; the build replaced is removed one build later (pages may still be reading it)."""
        built = self.previewer.build()
        self.echo(problems_text(built))
        replaced = self.state.publish(built)
        if replaced is not None:
            self._retired.append(replaced.folder)
            while len(self._retired) > 1:
                self.previewer.forget_folder(self._retired.pop(0))

    def watch(self) -> None:
        """Build again after each change to a watched file, until stopped."""
        seen = snapshot(self.watched)
        while not self.stopped.wait(POLL_SECONDS):
            now = snapshot(self.watched)
            if now == seen:
                continue
            seen = self._settled(now)
            self.build()

    def _settled(self, now: Snapshot) -> Snapshot:
        while not self.stopped.wait(SETTLE_SECONDS):
            again = snapshot(self.watched)
            if again == now:
                break
            now = again
        return now

    def serve(self, server: Server) -> None:
        """Serve in a thread and watch in this one until stopped (Ctrl-C in the terminal)."""
        thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
        thread.start()
        try:
            self.watch()
        finally:
            self.state.close()
            server.shutdown()
            server.server_close()
