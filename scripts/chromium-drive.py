#!/usr/bin/env python3
"""Drives headless Chromium along the steps of a plan, as a person would use a page: go to a URL, click, evaluate,
wait for something to appear, take a screenshot. Chromium is reached through the DevTools protocol over a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on the child's fds 3 and 4), so nothing beyond the Python
standard library and Debian's chromium is needed. Used by the dashboard's tests.

    chromium-drive.py PLAN.json   prints {"name": value, ...} for the steps that have an `as`; exit 1 naming the step
                                  that failed.

A plan: {"viewport": [1200, 1600], "steps": [
    {"go": "http://127.0.0.1:8080/"},                  navigate and wait for the load event
    {"eval": "document.title", "as": "title"},         a JavaScript expression's value (promises awaited)
    {"click": "form[action='/login'] button"},         click the element and wait for the page it leads to
    {"wait": "!!document.querySelector('#chart svg')", "seconds": 10, "as": "chart"},   until the expression is true
    {"screenshot": "/tmp/landing.png"}]}
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, binary, profile):
        to_child_read, self.to_child = os.pipe()
        self.from_child, from_child_write = os.pipe()

        def wire():  # in the child: its fd 3 is what we write, its fd 4 what we read; moved above 10 first, so none is lost
            high_read, high_write = fcntl.fcntl(to_child_read, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--no-first-run", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=wire, close_fds=False)
        os.close(to_child_read)
        os.close(from_child_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_child], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, seconds=30, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + seconds
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for_load(self, seconds=30):
        deadline = time.monotonic() + seconds
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == "Page.loadEventFired":
                    del self.events[: i + 1]
                    return
            self.events.clear()
            self.events.append(self._read(deadline))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("exception", {}).get("description") or result["exceptionDetails"].get("text"))
        return result.get("result", {}).get("value")

    def close(self):
        try:
            self.call("Browser.close", session=False, seconds=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main():
    plan = json.load(open(sys.argv[1]))
    binary = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if binary is None:
        sys.exit("chromium-drive: no Chromium on PATH (scripts/setup.sh installs Debian's `chromium`)")
    profile = tempfile.mkdtemp(prefix="edunet-chromium-")
    browser = Browser(binary, profile)
    results = {}
    step = None
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        browser.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        browser.call("Page.enable")
        width, height = plan.get("viewport", [1200, 1600])
        browser.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        for step in plan["steps"]:
            if "go" in step:
                browser.events.clear()
                browser.call("Page.navigate", {"url": step["go"]})
                browser.wait_for_load()
            elif "click" in step:
                browser.events.clear()
                found = browser.evaluate(f"(e => e ? (e.click(), true) : false)(document.querySelector({json.dumps(step['click'])}))")
                if not found:
                    raise RuntimeError(f"nothing on the page matches {step['click']}")
                browser.wait_for_load()
            elif "eval" in step:
                results[step.get("as", step["eval"])] = browser.evaluate(step["eval"])
            elif "wait" in step:
                deadline, value = time.monotonic() + step.get("seconds", 10), False
                while not value and time.monotonic() < deadline:
                    value = bool(browser.evaluate(step["wait"]))
                    if not value:
                        time.sleep(0.1)
                if "as" in step:
                    results[step["as"]] = value
            elif "screenshot" in step:
                data = browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
                with open(step["screenshot"], "wb") as f:
                    f.write(base64.b64decode(data))
    except Exception as error:  # the step and what went wrong, for the test's message
        print(json.dumps({"failed_step": step, "error": str(error), "results": results}, ensure_ascii=False))
        sys.exit(1)
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
