"""`skrynka serve` against its own instance: a second server on the same state folder,
files removed while it runs, and the signals that end it."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import BINARY, check, init_instance, main, server_process, test


@test
def second_serve_rejected(folder):
    config = init_instance(folder)
    with server_process("-c", config) as first:
        first.wait_for_log("event=start")
        second = subprocess.Popen([BINARY, "-c", config, "serve"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            status = second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            if second.poll() is None:
                second.kill()
                second.wait(timeout=30)
            error = second.stderr.read()
            second.stderr.close()
        check(status is not None, "a second serve on the same instance kept running")
        check(status != 0, f"the second serve exited 0: {error!r}")
        check(first.process.poll() is None, "the first serve stopped")
        first.stop(signal.SIGTERM)


@test
def removed_directory_db_reported(folder):
    # The stop record and the shutdown checkpoint go to an unlinked file, so they are lost.
    config = init_instance(folder)
    database = os.path.join(os.path.dirname(config), "directory.db")
    with server_process("-c", config) as server:
        server.wait_for_log("event=start")
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(database + suffix):
                os.remove(database + suffix)
        time.sleep(1)
        status = server.stop(signal.SIGTERM)
    errors = [line for line in server.log_lines if "level=error" in line]
    check(status != 0 or errors,
          f"serve lost directory.db and reported nothing: exit {status}, log {server.log_lines!r}")


if __name__ == "__main__":
    sys.exit(main())
