#!/usr/bin/env bash
# Run the whole test suite with the clock moved to each day of one week, at hours that cross the
# UTC date line and the edges of operating hours, and across both daylight-saving changes in the US.
# Proves the suite does not depend on the day or hour it runs. Extra arguments go to pytest.
# Usage: tools/test_every_day.sh [-x -q ...]   (honours DATABASE_URL / REDIS_URL like make test)
set -uo pipefail
cd "$(dirname "$0")/.."
CLOCKS=(
  2026-12-07T07:00:00-08:00   # Monday, before operating hours open
  2026-12-08T23:30:00-08:00   # Tuesday night (Wednesday in UTC)
  2026-12-09T12:00:00-08:00   # Wednesday noon
  2026-12-10T20:45:00-08:00   # Thursday, the last operating hour
  2026-12-11T17:00:00-08:00   # Friday evening
  2026-12-12T10:00:00-08:00   # Saturday
  2026-12-13T16:30:00-08:00   # Sunday afternoon (Monday in UTC)
  2027-03-13T22:00:00-08:00   # the night before clocks spring forward
  2027-03-14T03:30:00-07:00   # just after they did
  2027-11-07T01:30:00-07:00   # the repeated hour when clocks fall back
)
failed=()
for clock in "${CLOCKS[@]}"; do
  printf '\n== clock %s\n' "$clock"
  if ! .venv/bin/python -m pytest --clock "$clock" -q "$@"; then failed+=("$clock"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nfailed at: %s\n' "${failed[*]}"
  exit 1
fi
printf '\nevery clock passed\n'
