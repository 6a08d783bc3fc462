#!/bin/sh
echo "coverage is unavailable offline: Bazel's remote_coverage_tools would have to be downloaded" >&2
exit 1
