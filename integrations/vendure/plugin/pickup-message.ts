/*
 * The pickup message: what the order-confirmation e-mail shows (the QR of
 * the pickup token and an "I'm on my way" link), served by the plugin so a
 * stock Vendure sends a usable message.
 *
 *   GET  /curbside/pickup-qr.png?t=TOKEN   the QR as a PNG (for <img> in the e-mail)
 *   GET  /curbside/on-my-way?t=TOKEN       a page with "I'm on my way: 5 / 10 / 15 / 20 / 30 min"
 *   POST /curbside/on-my-way               its form (t, eta): announces, like announcePickup
 *
 * The link only shows a page: e-mail scanners that follow links never
 * announce anything; the shopper's tap on a button does.
 */
import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import { Allow, Ctx, Permission, RequestContext } from '@vendure/core';
import { toBuffer } from 'qrcode';

import { PickupAnnouncer } from './announce';

const ETA_CHOICES = [5, 10, 15, 20, 30];
const TOKEN_RE = /^[0-9A-Z.:+/-]{1,240}$/;

export interface PickupLinks {
    token: string;
    qrImageUrl: string;
    onMyWayUrl: string;
}

/** The links of the pickup message for @token, under the shop's public URL. */
export function pickupLinks(publicUrl: string, token: string): PickupLinks {
    const base = publicUrl.replace(/\/$/, '');
    const t = encodeURIComponent(token);
    return { token, qrImageUrl: `${base}/curbside/pickup-qr.png?t=${t}`, onMyWayUrl: `${base}/curbside/on-my-way?t=${t}` };
}

function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] as string));
}

function page(title: string, body: string): string {
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:1rem auto;padding:0 1rem}
button{font-size:1.2rem;min-height:56px;min-width:56px;margin:.25rem;padding:0 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const ANSWERS: Record<string, [string, string]> = {
    announced: ['Thanks, see you soon', 'The store knows you are on your way and will have your order at the door.'],
    ignored: ['You are already checked in', 'Our team knows you are here.'],
    cancelled: ['We could not tell the store', 'This order was cancelled. Please contact the store.'],
    refused: ['We could not tell the store', 'Please use the link in your latest order message.'],
};

function answerPage(answer: string): string {
    const [title, text] = ANSWERS[answer];
    return page(title, `<p>${escapeHtml(text)}</p>`);
}

@Controller('curbside')
export class PickupMessageController {
    constructor(private announcer: PickupAnnouncer) {}

    @Get('pickup-qr.png')
    @Allow(Permission.Public)
    @Header('Cache-Control', 'private, max-age=86400')
    async qr(@Query('t') token: string, @Res() res: any) {
        if (typeof token !== 'string' || !TOKEN_RE.test(token)) {
            res.status(404).send('not found');
            return;
        }
        const png = await toBuffer(token, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 6 });
        res.type('image/png').send(png);
    }

    @Get('on-my-way')
    @Allow(Permission.Public)
    @Header('Content-Type', 'text/html; charset=utf-8')
    onMyWayPage(@Query('t') token: string) {
        if (typeof token !== 'string' || !TOKEN_RE.test(token)) return answerPage('refused');
        const buttons = ETA_CHOICES.map(m => `<button type="submit" name="eta" value="${m}">${m} min</button>`).join('');
        return page("I'm on my way", '<p>Tell the store when you will be there, so your order waits at the door:</p>'
            + `<form method="post" action="on-my-way"><input type="hidden" name="t" value="${escapeHtml(token)}">${buttons}</form>`);
    }

    @Post('on-my-way')
    @HttpCode(200)   /* a page for the browser, not a created resource (Nest answers a POST with 201) */
    @Allow(Permission.Public)
    @Header('Content-Type', 'text/html; charset=utf-8')
    async onMyWay(@Ctx() ctx: RequestContext, @Body() body: { t?: string; eta?: string }) {
        const result = await this.announcer.announce(ctx, String(body?.t ?? ''), Number(body?.eta));
        const answer = result.status === 'refused' ? (result.error === 'cancelled' ? 'cancelled' : 'refused') : result.status;
        return answerPage(answer);
    }
}
