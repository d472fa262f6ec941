/*
 * What makes an order a Curbside pickup order: its shipping method is the
 * store's pickup method, i.e. a ShippingMethod whose custom field
 * pickupLocationCode is the store's code (the hub's [store] id). The hub's
 * connector applies the same rule (hub/sync/curb-vendure-order.c), so a delivery
 * order that also carries a pickupLocationCode never gets a token and never
 * reaches a store.
 */
import { CustomFieldConfig, LanguageCode, Order, RequestContext, ShippingLine, TransactionalConnection } from '@vendure/core';

export const shippingMethodCustomFields: CustomFieldConfig[] = [
    { name: 'pickupLocationCode', type: 'string', nullable: true, public: true,
      label: [{ languageCode: LanguageCode.en, value: 'Curbside pickup at store (code)' }],
      description: [{ languageCode: LanguageCode.en,
                      value: 'Set on a store\'s pickup method: orders shipped with it are picked up at that store.' }] },
];

/** The store code of the order's pickup method, or undefined for any other shipping. */
export async function pickupStoreOf(ctx: RequestContext, connection: TransactionalConnection,
                                    order: Order): Promise<string | undefined> {
    const lines = await connection.getRepository(ctx, ShippingLine).find({
        where: { order: { id: order.id } },
        relations: ['shippingMethod'],
    });
    for (const line of lines) {
        const code = (line.shippingMethod?.customFields as any)?.pickupLocationCode;
        if (typeof code === 'string' && code !== '') return code;
    }
    return undefined;
}

/** A pickup order of its own pickup location: the method's store is the order's store. */
export async function isPickupOrder(ctx: RequestContext, connection: TransactionalConnection,
                                    order: Order): Promise<boolean> {
    const fields = order.customFields as any;
    const store = await pickupStoreOf(ctx, connection, order);
    return store !== undefined && (!fields?.pickupLocationCode || fields.pickupLocationCode === store);
}
