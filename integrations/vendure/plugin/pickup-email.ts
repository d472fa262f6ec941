/*
 * The pickup message in Vendure's order-confirmation e-mail (EmailPlugin):
 * the QR image of the pickup token and an "I'm on my way" link, added to the
 * stock template, so a stock Vendure with the EmailPlugin sends a usable
 * pickup message. Kept apart from curbside-plugin.ts: a shop without the
 * EmailPlugin does not need @vendure/email-plugin for the rest.
 *
 *   EmailPlugin.init({
 *       handlers: curbsideEmailHandlers({ publicUrl: 'https://shop.example.com' }),
 *       templateLoader: new CurbsideTemplateLoader(path.join(require.resolve('@vendure/email-plugin'),
 *                                                            '../../templates')),
 *       ...
 *   })
 */
import { Injector, RequestContext } from '@vendure/core';
import {
    defaultEmailHandlers,
    EmailEventHandler,
    FileBasedTemplateLoader,
    LoadTemplateInput,
    orderConfirmationHandler,
} from '@vendure/email-plugin';

import { pickupLinks } from './pickup-message';

export interface CurbsideEmailOptions {
    /** Where shoppers reach this Vendure (the QR image and the on-my-way page are served by the plugin). */
    publicUrl: string;
}

/* The block shown in the order confirmation of a pickup order. */
export const PICKUP_BLOCK = `
{{#if curbsidePickup}}
<mj-section>
    <mj-column>
        <mj-text font-size="18px" font-weight="bold">Your pickup code</mj-text>
        <mj-text>Show this code at the pickup kiosk of store {{ curbsidePickup.storeCode }}:</mj-text>
        <mj-image src="{{{ curbsidePickup.qrImageUrl }}}" alt="Pickup QR code for order {{ order.code }}" width="220px" />
        <mj-text>No code at hand? The kiosk also finds your order by its number {{ order.code }} and your surname.</mj-text>
        <mj-button href="{{{ curbsidePickup.onMyWayUrl }}}">I'm on my way</mj-button>
        <mj-text font-size="12px">Tap it when you set off, so your order waits at the door.</mj-text>
    </mj-column>
</mj-section>
{{/if}}
`;

/** Template variables of the pickup block: undefined for an order without a pickup token. */
export function curbsidePickupVars(options: CurbsideEmailOptions, order: any) {
    const token = order?.customFields?.pickupToken;
    if (typeof token !== 'string' || token === '') return undefined;
    return { ...pickupLinks(options.publicUrl, token), storeCode: order.customFields.pickupLocationCode };
}

/** The stock order-confirmation handler with the pickup block's variables. */
export function curbsideOrderConfirmationHandler(options: CurbsideEmailOptions): EmailEventHandler<any, any> {
    const stockVars = (orderConfirmationHandler as any).setTemplateVarsFn;
    return orderConfirmationHandler.setTemplateVars((event: any, globals: any) => ({
        ...(stockVars ? stockVars(event, globals) : { order: event.order }),
        curbsidePickup: curbsidePickupVars(options, event.order),
    }));
}

/** Vendure's default e-mail handlers with the pickup block in the order confirmation. */
export function curbsideEmailHandlers(options: CurbsideEmailOptions): Array<EmailEventHandler<any, any>> {
    return defaultEmailHandlers.map(handler =>
        handler.type === 'order-confirmation' ? curbsideOrderConfirmationHandler(options) : handler);
}

/** Loads the shop's templates and puts the pickup block into the order confirmation, after its greeting. */
export class CurbsideTemplateLoader extends FileBasedTemplateLoader {
    async loadTemplate(injector: Injector, ctx: RequestContext, input: LoadTemplateInput): Promise<string> {
        const template = await super.loadTemplate(injector, ctx, input);
        if (input.type !== 'order-confirmation' || template.includes('curbsidePickup')) return template;
        const greeting = template.indexOf('</mj-section>');
        return greeting < 0 ? template + PICKUP_BLOCK
            : template.slice(0, greeting + '</mj-section>'.length) + PICKUP_BLOCK + template.slice(greeting + '</mj-section>'.length);
    }
}
