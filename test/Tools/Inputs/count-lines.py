"""Fails when stdin has `limit` lines or more (argv[1]); prints the count."""
import sys

lines = sys.stdin.read().splitlines()
limit = int(sys.argv[1])
print(f"{len(lines)} lines (limit {limit})")
sys.exit(0 if len(lines) < limit else 1)
