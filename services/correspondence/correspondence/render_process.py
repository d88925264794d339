"""A render process, as the correspondence worker starts it: `python -m correspondence.render_process`.

Its stop signals are caught before anything heavy is imported, so a process told to stop while it is still
starting (a worker stopping moments after it started) ends cleanly instead of being killed mid-import.
"""

import signal

stopping: list[int] = []
signal.signal(signal.SIGTERM, lambda signum, _frame: stopping.append(signum))
signal.signal(signal.SIGINT, lambda signum, _frame: stopping.append(signum))


def main() -> int:
    from correspondence.rendering import serve

    serve(stopping)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
