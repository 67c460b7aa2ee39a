/*
 * libFuzzer target for the device end of the QEMU series' ioregionfd
 * wire protocol (util/ioregionfd.c): ioregionfd_decode() and
 * ioregionfd_serve(), fed what a misbehaving or hostile peer could send.
 *
 * The input is a region size (8 bytes) followed by messages, each a
 * length byte (0-63) and that many bytes, sent on a SOCK_SEQPACKET socket
 * pair as they are; ioregionfd_serve() then serves them.  Checked besides
 * the sanitizers' own checks: every access that reaches the ops has a
 * size of 1, 2, 4 or 8 and lies in the region; every decoded command that
 * asks for a response gets exactly one 32-byte response, in order, with
 * the value the ops gave or all-ones; a command that decodes as good
 * reaches the ops, and one that does not, does not.
 *
 * Built and run by fuzz/run.sh against the QEMU work tree's build.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "qemu/ioregionfd.h"

#define MAX_MSGS 64

typedef struct FuzzState {
    uint64_t region_size;
    unsigned accesses;
    unsigned errors;
} FuzzState;

/* What a read returns: derived from the request, to check the response */
static uint64_t value_of(const IORegionFDRequest *req)
{
    return req->offset * 0x9e3779b97f4a7c15ull ^ req->user_data;
}

static bool fuzz_access(void *opaque, const IORegionFDRequest *req,
                        uint64_t *data, Error **errp)
{
    FuzzState *s = opaque;

    if (req->size != 1 && req->size != 2 && req->size != 4 &&
        req->size != 8) {
        abort();
    }
    if (req->offset > s->region_size ||
        req->size > s->region_size - req->offset) {
        abort();
    }
    s->accesses++;
    /* Refuse some, as an op may */
    if (req->user_data % 7 == 3) {
        error_setg(errp, "refused");
        return false;
    }
    if (!req->write) {
        *data = value_of(req);
    }
    return true;
}

static void fuzz_error(void *opaque, size_t len, Error *err)
{
    FuzzState *s = opaque;

    s->errors++;
    error_free(err);
}

static const IORegionFDServerOps fuzz_ops = {
    .access = fuzz_access,
    .error = fuzz_error,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IORegionFDRequest reqs[MAX_MSGS];
    bool good[MAX_MSGS];
    FuzzState s = { 0 };
    struct ioregionfd_resp resp;
    unsigned nmsgs = 0, ngood = 0, i;
    uint64_t want;
    size_t pos = 8, len;
    int sv[2];
    ssize_t r;

    if (size < 8) {
        return 0;
    }
    memcpy(&s.region_size, data, 8);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
        abort();
    }
    fcntl(sv[1], F_SETFL, O_NONBLOCK);

    /* Send the messages; decode each as the server will, to check it */
    while (pos < size && nmsgs < MAX_MSGS) {
        len = data[pos++] % 64;
        if (len > size - pos) {
            len = size - pos;
        }
        if (send(sv[0], data + pos, len, 0) != (ssize_t)len) {
            break;
        }
        good[nmsgs] = ioregionfd_decode(data + pos, len, s.region_size,
                                        &reqs[nmsgs], NULL);
        ngood += good[nmsgs];
        nmsgs++;
        pos += len;
    }

    /* The peer stays open: the server must stop when nothing is waiting */
    if (!ioregionfd_serve(sv[1], s.region_size, &fuzz_ops, &s)) {
        abort();
    }
    if (s.accesses != ngood) {
        abort();
    }

    /* One response per command that waits for one, in order */
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    for (i = 0; i < nmsgs; i++) {
        if (!reqs[i].resp) {
            continue;
        }
        r = recv(sv[0], &resp, sizeof(resp), 0);
        if (r != IOREGIONFD_MSG_SIZE) {
            abort();
        }
        want = UINT64_MAX;
        if (good[i] && !reqs[i].write && reqs[i].user_data % 7 != 3) {
            want = value_of(&reqs[i]);
        }
        if (!reqs[i].write && resp.data != want) {
            abort();
        }
    }
    if (recv(sv[0], &resp, sizeof(resp), MSG_DONTWAIT) >= 0) {
        abort();        /* a response nobody asked for */
    }
    close(sv[0]);
    close(sv[1]);
    return 0;
}
