// CPcap: libpcap (libpcap-dev) as Swift sees it.
//
// Swift imports libpcap's API as it is: pcap_open_offline_with_tstamp_precision, pcap_next_ex, pcap_compile,
// pcap_setfilter and pcap_stats, with their structs and the PCAP_* constants, need nothing more. This header only
// chooses the header to import. <pcap/pcap.h> is the one Debian documents; <pcap.h> is a compatibility wrapper.
#ifndef EDUNET_CPCAP_SHIM_H
#define EDUNET_CPCAP_SHIM_H

#include <pcap/pcap.h>

#endif
