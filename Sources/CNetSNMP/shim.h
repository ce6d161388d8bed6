// CNetSNMP: net-snmp (libsnmp-dev) as Swift sees it.
//
// Swift imports most of net-snmp directly. This header adds only what Swift cannot see, and says why:
// - macros built from several OR-ed terms (the PDU types, the exception types) do not import: they are
//   re-declared as enum constants;
// - the USM protocol OIDs are C globals, which Swift 6 rejects as not concurrency-safe: a function
//   returns the pointer instead;
// - session keys are fixed C arrays, imported as tuples: deriving a key straight into the session (or localizing it
//   for a trap sender's engine) is done here;
// - `snmp_errno` is a C global too: a function reads it;
// - epoll_event is a packed struct on x86_64, which Swift cannot import: thin wrappers take its parts.
#ifndef EDUNET_CNETSNMP_SHIM_H
#define EDUNET_CNETSNMP_SHIM_H

// The C library's headers come first: net-snmp-config.h defines _GNU_SOURCE, and if it were seen first,
// fd_set would be declared differently from the way Foundation sees it ("'fds_bits' is not present").
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/library/snmpusm.h>
#include <net-snmp/library/keytools.h>
#include <net-snmp/library/transform_oids.h>

enum {
    EDUNET_MSG_GET = SNMP_MSG_GET,
    EDUNET_MSG_GETNEXT = SNMP_MSG_GETNEXT,
    EDUNET_MSG_GETBULK = SNMP_MSG_GETBULK,
    EDUNET_MSG_SET = SNMP_MSG_SET,
    EDUNET_MSG_RESPONSE = SNMP_MSG_RESPONSE,
    EDUNET_MSG_REPORT = SNMP_MSG_REPORT,
    EDUNET_NOSUCHOBJECT = SNMP_NOSUCHOBJECT,
    EDUNET_NOSUCHINSTANCE = SNMP_NOSUCHINSTANCE,
    EDUNET_ENDOFMIBVIEW = SNMP_ENDOFMIBVIEW,
    EDUNET_MSG_TRAP = SNMP_MSG_TRAP,
    EDUNET_MSG_TRAP2 = SNMP_MSG_TRAP2,
    EDUNET_MSG_INFORM = SNMP_MSG_INFORM,
};

/// Reads no configuration and persists no state (no files under $HOME or /var/lib), loads no MIB files,
/// logs nothing (unless EDUNET_SNMP_DEBUG names net-snmp debug tokens), then initialises the library. Call once, before any other net-snmp call.
static inline void edunet_snmp_init(const char *application) {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    // EduNet uses numeric OIDs only, and Debian ships no IETF MIB files: load no MIB modules, or net-snmp
    // reports each one it cannot find. Only the MIBS variable reaches init_mib before the modules are read.
    setenv("MIBS", "", 0);
    const char *debug = getenv("EDUNET_SNMP_DEBUG");  // net-snmp debug tokens, e.g. "usm,snmp_api"
    if (debug && *debug) {
        snmp_enable_stderrlog();
        debug_register_tokens(debug);
        snmp_set_do_debugging(1);
    } else {
        snmp_disable_log();
        netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);  // with no handler at all it logs to stderr
    }
    init_snmp(application);
}

/// The USM authentication protocol OID for an index (1 MD5, 2 SHA, 3 SHA-224, 4 SHA-256, 5 SHA-384,
/// 6 SHA-512), or NULL.
static inline const oid *edunet_auth_protocol(int index, size_t *length) {
    const oid *p = NULL;
    switch (index) {
    case 1: p = usmHMACMD5AuthProtocol; break;
    case 2: p = usmHMACSHA1AuthProtocol; break;
    case 3: p = usmHMAC128SHA224AuthProtocol; break;
    case 4: p = usmHMAC192SHA256AuthProtocol; break;
    case 5: p = usmHMAC256SHA384AuthProtocol; break;
    case 6: p = usmHMAC384SHA512AuthProtocol; break;
    }
    *length = p ? USM_AUTH_PROTO_MD5_LEN : 0;
    return p;
}

/// The USM privacy protocol OID for an index (1 DES, 2 AES-128, 3 AES-192, 4 AES-256), or NULL.
static inline const oid *edunet_priv_protocol(int index, size_t *length) {
    switch (index) {
    case 1: *length = USM_PRIV_PROTO_DES_LEN; return usmDESPrivProtocol;
    case 2: *length = USM_PRIV_PROTO_AES_LEN; return usmAESPrivProtocol;
    case 3: *length = OID_LENGTH(usmAES192PrivProtocol); return usmAES192PrivProtocol;
    case 4: *length = OID_LENGTH(usmAES256PrivProtocol); return usmAES256PrivProtocol;
    }
    *length = 0;
    return NULL;
}

/// Sets a session's USM protocols and derives its keys (Ku) from the passphrases; the privacy key is
/// derived with the authentication hash, as RFC 3414 and net-snmp's tools do. Returns SNMPERR_SUCCESS or an error.
static inline int edunet_session_set_usm(netsnmp_session *s, int auth, const char *authPass, size_t authLen,
                                         int priv, const char *privPass, size_t privLen) {
    size_t len = 0;
    const oid *authProto = edunet_auth_protocol(auth, &len);
    if (!authProto) { s->securityLevel = SNMP_SEC_LEVEL_NOAUTH; return SNMPERR_SUCCESS; }
    s->securityAuthProto = snmp_duplicate_objid(authProto, len);
    s->securityAuthProtoLen = len;
    s->securityAuthKeyLen = USM_AUTH_KU_LEN;
    int rc = generate_Ku(s->securityAuthProto, (u_int)len, (const u_char *)authPass, authLen,
                         s->securityAuthKey, &s->securityAuthKeyLen);
    if (rc != SNMPERR_SUCCESS) return rc;
    const oid *privProto = edunet_priv_protocol(priv, &len);
    if (!privProto) { s->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV; return SNMPERR_SUCCESS; }
    s->securityPrivProto = snmp_duplicate_objid(privProto, len);
    s->securityPrivProtoLen = len;
    s->securityPrivKeyLen = USM_PRIV_KU_LEN;
    rc = generate_Ku(s->securityAuthProto, (u_int)s->securityAuthProtoLen, (const u_char *)privPass, privLen,
                     s->securityPrivKey, &s->securityPrivKeyLen);
    s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
    return rc;
}

/// Forgets the USM user cached for (engine ID, name): net-snmp keeps the first keys it saw for the
/// whole process, so a changed password would otherwise go unnoticed.
static inline void edunet_usm_forget_user(const u_char *engineID, size_t engineIDLength, const char *name) {
    struct usmUser *user = usm_get_user(engineID, engineIDLength, name);
    if (user) {
        usm_remove_user(user);
        usm_free_user(user);
    }
}

/// Loads the USM user `name` localized to `engineID` (an SNMPv3 trap sender's, or this engine's own for informs) from
/// its passphrases, the way a client session would: net-snmp's own localization, with the key extension AES-192/256
/// need. A user already known for that engine ID keeps its keys. Its keys are fixed C arrays of the session: derived
/// here, like edunet_session_set_usm. SNMPERR_SUCCESS or the error.
static inline int edunet_usm_load_user(const u_char *engineID, size_t engineIDLength, const char *name, int auth,
                                       const char *authPass, size_t authLen, int priv, const char *privPass, size_t privLen) {
    netsnmp_session session;
    snmp_sess_init(&session);
    session.version = SNMP_VERSION_3;
    session.securityModel = SNMP_SEC_MODEL_USM;
    session.securityName = (char *)name;
    session.securityNameLen = strlen(name);
    session.securityEngineID = (u_char *)engineID;
    session.securityEngineIDLen = engineIDLength;
    int rc = edunet_session_set_usm(&session, auth, authPass, authLen, priv, privPass, privLen);
    if (rc == SNMPERR_SUCCESS) rc = usm_create_user_from_session(&session);
    free(session.securityAuthProto);
    free(session.securityPrivProto);
    return rc;
}

/// This engine's SNMP engine ID, which informs are localized to; its length.
static inline size_t edunet_local_engine_id(u_char *buffer, size_t size) { return snmpv3_get_engineID(buffer, size); }

/// The sender of a received PDU as dotted IPv4 text; 0 when it did not come over UDP/IPv4. A UDP transport's
/// `transport_data` is a `netsnmp_indexed_addr_pair`, whose first member is the remote address.
static inline int edunet_pdu_source_ipv4(const netsnmp_pdu *pdu, char *buffer, socklen_t length) {
    if (!pdu->transport_data || pdu->transport_data_length < (int)sizeof(struct sockaddr_in)) return 0;
    const struct sockaddr_in *from = (const struct sockaddr_in *)pdu->transport_data;
    if (from->sin_family != AF_INET) return 0;
    return inet_ntop(AF_INET, &from->sin_addr, buffer, length) != NULL;
}

/// Opens a trap listener (a server transport, e.g. "udp:127.0.0.1:1162") as a single session whose callback gets
/// every PDU received; NULL when the address cannot be bound. `callback_magic` is handed to the callback.
static inline void *edunet_open_trap_session(const char *address, netsnmp_callback callback, void *magic, int *socket) {
    netsnmp_transport *transport = netsnmp_transport_open_server("edunet", address);
    if (!transport) return NULL;
    netsnmp_session session;
    snmp_sess_init(&session);
    session.callback = callback;
    session.callback_magic = magic;
    session.isAuthoritative = SNMP_SESS_UNKNOWNAUTH;
    *socket = transport->sock;
    return snmp_sess_add(&session, transport, NULL, NULL);
}

/// Acknowledges an InformRequest: the same PDU sent back as a Response (what snmptrapd does).
static inline void edunet_answer_inform(void *sessp, netsnmp_pdu *pdu) {
    netsnmp_pdu *reply = snmp_clone_pdu(pdu);
    if (!reply) return;
    reply->command = SNMP_MSG_RESPONSE;
    reply->errstat = 0;
    reply->errindex = 0;
    if (!snmp_sess_send(sessp, reply)) snmp_free_pdu(reply);
}

/// The library's last error; `snmp_errno` is a C global, which Swift 6 rejects as not concurrency-safe.
static inline int edunet_snmp_errno(void) { return snmp_errno; }

/// Adds `fd` to an epoll set for reading, tagged with `tag`.
static inline int edunet_epoll_add(int epfd, int fd, uint64_t tag) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.u64 = tag;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

static inline int edunet_epoll_remove(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

/// Waits for readable descriptors; writes the tags of up to `max` of them to `tags` and returns how many.
static inline int edunet_epoll_wait(int epfd, uint64_t *tags, int max, int timeoutMilliseconds) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, events, max, timeoutMilliseconds);
    for (int i = 0; i < n; i++) tags[i] = events[i].data.u64;
    return n;
}

#endif
