"""Runs one command as a whole process and prints what it cost, as one JSON line:
wall seconds, user and system CPU seconds of it and every descendant it waited for, and the
peak resident set of the largest of those processes (os.wait4's ru_maxrss, the kernel's own
accounting; KiB on Linux). bench/compare --e2e measures both sides of a comparison with it.

    /usr/bin/python3 bench/peers/rusage.py --out /tmp/run.log -- ./gradc train samples/moons/Moons.grad

The command's standard output and error go to --out (default: discarded); its input is /dev/null.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="file for the command's output (default: discarded)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    out = open(args.out, "wb") if args.out else open(os.devnull, "wb")
    with out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps({"wall_s": round(wall, 4), "user_s": round(usage.ru_utime, 4), "sys_s": round(usage.ru_stime, 4),
                      "cpu_s": round(usage.ru_utime + usage.ru_stime, 4), "maxrss_kib": usage.ru_maxrss,
                      "exit": child.returncode}), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
