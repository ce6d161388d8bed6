// Sends the frames of a classic pcap file out of an interface at a given rate, faster than tcpreplay can (its one
// sendto a frame tops out near 0.3 Mpps on a veth here): the frames are loaded into memory first and handed to the
// kernel 256 at a time with sendmmsg on an AF_PACKET socket, paced by batch against the clock.
//
//   pcap-blast FILE INTERFACE PPS        (PPS 0: as fast as it goes)
//
// Prints `sent=N seconds=S pps=R`. Used by scripts/bench-live-capture.sh; needs root (CAP_NET_RAW).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: pcap-blast FILE INTERFACE PPS\n");
        return 2;
    }
    double pps = atof(argv[3]);
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 1; }
    uint32_t header[6];
    if (fread(header, 4, 6, file) != 6 || header[0] != 0xa1b2c3d4) {
        fprintf(stderr, "%s: not a little-endian classic pcap file\n", argv[1]);
        return 1;
    }
    size_t capacity = 1 << 20, count = 0;
    struct iovec *frames = malloc(capacity * sizeof *frames);
    uint32_t record[4];
    while (fread(record, 4, 4, file) == 4) {
        uint32_t length = record[2];
        void *bytes = malloc(length < 60 ? 60 : length);
        memset(bytes, 0, length < 60 ? 60 : length);
        if (fread(bytes, 1, length, file) != length) { free(bytes); break; }
        if (count == capacity) frames = realloc(frames, (capacity *= 2) * sizeof *frames);
        frames[count].iov_base = bytes;
        frames[count].iov_len = length < 60 ? 60 : length;  // the minimum Ethernet frame, as a NIC pads it
        count++;
    }
    fclose(file);

    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_ll address = {0};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = (int)if_nametoindex(argv[2]);
    if (!address.sll_ifindex) { perror(argv[2]); return 1; }
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) { perror("bind"); return 1; }
    int buffer = 64 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);

    struct mmsghdr *messages = calloc(BATCH, sizeof *messages);
    size_t sent = 0;
    double start = now();
    while (sent < count) {
        size_t n = count - sent < BATCH ? count - sent : BATCH;
        for (size_t i = 0; i < n; i++) {
            messages[i].msg_hdr.msg_iov = &frames[sent + i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int done = sendmmsg(fd, messages, (unsigned)n, 0);
        if (done < 0) { usleep(50); continue; }  // the queue is full: wait for it to drain
        sent += (size_t)done;
        if (pps > 0) {
            double due = start + sent / pps;
            double wait = due - now();
            if (wait > 0) {
                struct timespec t = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
                nanosleep(&t, NULL);
            }
        }
    }
    double seconds = now() - start;
    printf("sent=%zu seconds=%.3f pps=%.0f\n", sent, seconds, sent / seconds);
    return 0;
}
