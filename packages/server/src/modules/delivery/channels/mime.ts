import MimeNode from 'nodemailer/lib/mime-node';

/** One e-mail: plain text and HTML alternatives, with its envelope. */
export interface MailParts {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Base64 in lines of 76 characters (RFC 2045). */
const base64Lines = (s: string): string => {
  const b = Buffer.from(s, 'utf8').toString('base64');
  let out = '';
  for (let i = 0; i < b.length; i += 76) out += `${out ? '\r\n' : ''}${b.slice(i, i + 76)}`;
  return out;
};

/**
 * The whole message as bytes, ready for the SMTP DATA command. nodemailer's MimeNode writes the
 * header block (address and subject encoding, Date, MIME-Version, the boundary) and the envelope,
 * exactly as it does for sendMail; the two alternatives are encoded here in one pass, which
 * spares the stream pipeline nodemailer builds per message part — most of its time per message.
 */
export function composeMail(m: MailParts): { envelope: { from: string; to: string[] }; raw: Buffer } {
  const root = new MimeNode('multipart/alternative');
  root.setHeader({ From: m.from, To: m.to, Subject: m.subject, 'Message-ID': m.messageId, ...m.headers });
  const head = root.buildHeaders();
  const b = root.boundary as string;
  const part = (type: string, body: string) =>
    `--${b}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(body)}\r\n`;
  const raw = Buffer.from(
    `${head}\r\n\r\n${part('text/plain', m.text)}${part('text/html', m.html)}--${b}--\r\n`,
    'utf8',
  );
  const envelope = root.getEnvelope();
  return { envelope: { from: envelope.from || '', to: envelope.to }, raw };
}
