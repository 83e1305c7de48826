#!/usr/bin/env bash
# Builds the read/decode benchmark captures in DIR (default /tmp/tcp-teardown-bench):
#   bulk.pcap         ~1 GB of real kernel TCP traffic (4 bulk connections, MSS 880,
#                     segmentation offloads off) recorded on the lab router, >1M packets
#   bulk-snap96.pcap  the same packets cut to 96 bytes (headers only)
#   bulk.pcapng       the same packets as pcapng (Wireshark's default format)
#   mixed.pcap        ~1 GB: the bulk transfers plus tens of thousands of short
#                     connections with mixed endings at the same time (lab/mix.py),
#                     for timing the whole tool against tcptrace and tshark
# Needs root, iproute2, ethtool, tcpdump, editcap, python3. Not committed: regenerated
# on demand by `npm run bench`.
set -euo pipefail
dir=${1:-${TEARDOWN_BENCH_DIR:-/tmp/tcp-teardown-bench}}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
mkdir -p "$dir"
# shellcheck source=../../fixtures/lab/netns.sh
source "$repo/fixtures/lab/netns.sh"
trap lab_down EXIT
lab_up
lab_capture "$dir/bulk.pcap.tmp" tcpdump -B 262144 tcp
ip netns exec td-s timeout 120 $py "$here/bulk.py" server 0.0.0.0 9000 4 >/dev/null &
server=$!
sleep 0.5
# 4 x 230 MB at 25 MB/s each: about 9 s, slow enough for tcpdump to keep every packet.
ip netns exec td-c timeout 120 $py "$here/bulk.py" client $SERVER4 9000 4 230000000 880 25000000
wait $server
lab_capture_stop
mv "$dir/bulk.pcap.tmp" "$dir/bulk.pcap"
editcap -F pcap -s 96 "$dir/bulk.pcap" "$dir/bulk-snap96.pcap"
editcap -F pcapng "$dir/bulk.pcap" "$dir/bulk.pcapng"

# The mixed capture: the same paced bulk transfers, and short connections beside them.
lab_capture "$dir/mixed.pcap.tmp" tcpdump -B 262144 tcp
ip netns exec td-s timeout 120 $py "$here/bulk.py" server 0.0.0.0 9001 4 >/dev/null &
server=$!
ip netns exec td-s timeout 240 $py "$repo/fixtures/lab/mix.py" server 0.0.0.0 9100 200 &
mixer=$!
sleep 0.5
ip netns exec td-c timeout 120 $py "$here/bulk.py" client $SERVER4 9001 4 230000000 880 25000000 &
bulk=$!
# 12 x 6000 short connections: with the bulk transfers, over 1.5M packets (the issue's size).
for seed in $(seq 1 12); do
  ip netns exec td-c timeout 220 $py "$repo/fixtures/lab/mix.py" client $SERVER4 9100 9101 6000 $seed >/dev/null &
done
wait $bulk $server
wait
lab_capture_stop
mv "$dir/mixed.pcap.tmp" "$dir/mixed.pcap"
ls -la "$dir"
