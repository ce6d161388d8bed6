/* The plain C peer of scripts/bench-capture.sh: every frame of a capture file through pcap_next_ex, counting frames
 * and wire bytes and nothing else. Prints "frames=N bytes=N seconds=S" (wall time of the loop alone). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: pcap-loop FILE.pcap\n"); return 64; }
    char error[PCAP_ERRBUF_SIZE];
    pcap_t *handle = pcap_open_offline(argv[1], error);
    if (!handle) { fprintf(stderr, "pcap-loop: %s\n", error); return 1; }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct pcap_pkthdr *header;
    const unsigned char *data;
    unsigned long long frames = 0, bytes = 0;
    int rc;
    while ((rc = pcap_next_ex(handle, &header, &data)) == 1) {
        frames++;
        bytes += header->len;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (rc != PCAP_ERROR_BREAK) { fprintf(stderr, "pcap-loop: %s\n", pcap_geterr(handle)); return 1; }
    printf("frames=%llu bytes=%llu seconds=%.6f\n", frames, bytes, (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    pcap_close(handle);
    return 0;
}
