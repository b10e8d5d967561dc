// E-mail through SMTP (nodemailer) when SMTP_URL is set. One transport per process: it keeps no
// pool open (pool: false), so a worker with nothing to send holds no connection.
import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '@/lib/env';

let transport: { url: string; t: Transporter } | undefined;

function transporter(): Transporter | null {
  const url = env().SMTP_URL;
  if (!url) return null;
  if (transport?.url !== url) transport = { url, t: nodemailer.createTransport(url) };
  return transport.t;
}

export interface EmailResult {
  ok: boolean;
  durationMs: number;
  error: string | null;
}

export async function sendEmail(
  to: string,
  message: { subject: string; text: string },
  deliveryId: string,
): Promise<EmailResult> {
  const started = performance.now();
  const t = transporter();
  if (!t) return { ok: false, durationMs: 0, error: 'E-mail is off (SMTP_URL is not set)' };
  try {
    await t.sendMail({
      from: env().SMTP_FROM,
      to,
      subject: message.subject,
      text: message.text,
      headers: { 'X-Gantry-Delivery': deliveryId },
    });
    return { ok: true, durationMs: Math.round(performance.now() - started), error: null };
  } catch (error) {
    return {
      ok: false,
      durationMs: Math.round(performance.now() - started),
      error: String((error as Error).message ?? error).slice(0, 300),
    };
  }
}
