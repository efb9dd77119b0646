import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';

/**
 * A real DNS server on a UDP port of localhost (dns-packet for the wire format), answering TXT
 * questions from a table the test edits: Careloop's resolver asks it as it would any server.
 */
export async function startDns() {
  const txt = new Map<string, string[]>();
  const socket = createSocket('udp4');
  let silent = false;
  socket.on('message', (msg, from) => {
    if (silent) return;
    const q = packet.decode(msg);
    const answers = (q.questions ?? []).flatMap((question) =>
      question.type === 'TXT'
        ? (txt.get(question.name.toLowerCase()) ?? []).map((data) => ({
            type: 'TXT' as const,
            name: question.name,
            ttl: 0,
            data,
          }))
        : [],
    );
    const reply = packet.encode({
      id: q.id ?? 0,
      type: 'response',
      flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE,
      questions: q.questions ?? [],
      answers,
    });
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    /** `127.0.0.1:port`, for `CARELOOP_DNS_SERVERS`. */
    server: `127.0.0.1:${socket.address().port}`,
    /** Publishes (or, with none, removes) the TXT records at a name. */
    set(name: string, ...records: string[]) {
      if (records.length === 0) txt.delete(name.toLowerCase());
      else txt.set(name.toLowerCase(), records);
    },
    /** Stops answering, as a server that is down. */
    mute() {
      silent = true;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
