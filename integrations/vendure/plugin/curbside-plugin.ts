/*
 * CurbsidePlugin: what a store's Vendure needs for Curbside pickup.
 *
 * - Order custom fields: pickupLocationCode (public, set at checkout),
 *   pickupStatus, pickupBay, customerArrivedAt (the store's facts, written by
 *   the hub), pickupToken (public, read-only: the QR in the order email).
 * - Issues the pickup token when a pickup order is placed, in the same
 *   transaction that places it, signed with the store chain's Ed25519 key.
 *   A pickup order is one shipped with the store's pickup method (a
 *   ShippingMethod whose pickupLocationCode is the store's code); the hub's
 *   connector uses the same rule (pickup-order.ts).
 * - Admin API query curbsidePickupKeys: the public keys for hub keyrings.
 * - Shop API mutation announcePickup(token, etaMinutes): "I'm on my way",
 *   authenticated by the pickup token alone (announce.ts), and the pickup
 *   message pages: the QR image and the on-my-way page (pickup-message.ts);
 *   pickup-email.ts puts both into the EmailPlugin's order confirmation.
 * - Optionally POSTs a small JSON hint to the hub on order changes. Only a
 *   hint: hubs sit behind NAT and poll; nothing depends on it arriving.
 */
import { OnApplicationBootstrap } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import {
    Allow,
    CustomFieldConfig,
    EventBus,
    FulfillmentStateTransitionEvent,
    Injector,
    LanguageCode,
    Logger,
    Order,
    OrderPlacedEvent,
    OrderProcess,
    OrderStateTransitionEvent,
    Permission,
    PluginCommonModule,
    RequestContext,
    TransactionalConnection,
    VendurePlugin,
} from '@vendure/core';
import gql from 'graphql-tag';

import { AnnounceResolver, announceShopApi, PickupAnnouncer } from './announce';
import { PickupMessageController } from './pickup-message';
import { isPickupOrder, pickupStoreOf, shippingMethodCustomFields } from './pickup-order';
import { loadOrCreatePickupTokenKey, PickupTokenKey, signPickupToken } from './pickup-token';

export interface CurbsidePluginOptions {
    /** Secret key file (`curbside-ctl keygen` format); created when missing. */
    signingKeyFile: string;
    /** Key id for a newly created key, e.g. "v1". */
    keyId?: string;
    /** How long a pickup token stays valid after the order is placed. */
    tokenTtlHours?: number;
    /** Hub URL to POST change hints to, e.g. https://hub.store-001.lan:8443/v1/hints. */
    hintUrl?: string;
}

const loggerCtx = 'CurbsidePlugin';
const PLACED_STATES = ['PaymentAuthorized', 'PaymentSettled'];

const orderCustomFields: CustomFieldConfig[] = [
    { name: 'pickupLocationCode', type: 'string', nullable: true, public: true,
      label: [{ languageCode: LanguageCode.en, value: 'Pickup store' }] },
    { name: 'pickupStatus', type: 'string', nullable: true, public: false,
      label: [{ languageCode: LanguageCode.en, value: 'Pickup status' }] },
    { name: 'pickupBay', type: 'string', nullable: true, public: false,
      label: [{ languageCode: LanguageCode.en, value: 'Pickup bay' }] },
    { name: 'customerArrivedAt', type: 'datetime', nullable: true, public: false,
      label: [{ languageCode: LanguageCode.en, value: 'Customer arrived at' }] },
    { name: 'pickupToken', type: 'string', length: 255, nullable: true, public: true, readonly: true,
      label: [{ languageCode: LanguageCode.en, value: 'Pickup token (QR)' }] },
    { name: 'pickupEta', type: 'datetime', nullable: true, public: false,
      label: [{ languageCode: LanguageCode.en, value: 'Shopper expected at (on the way)' }] },
    { name: 'pickupAnnouncedAt', type: 'datetime', nullable: true, public: false,
      label: [{ languageCode: LanguageCode.en, value: 'Shopper said "on my way" at' }] },
];

let issuerKey: PickupTokenKey | undefined;
let tokenTtlS = 14 * 24 * 3600;

/* The token of a pickup order (shipped with its store's pickup method), or undefined. */
async function tokenFor(ctx: RequestContext, connection: TransactionalConnection, order: Order): Promise<string | undefined> {
    const fields = order.customFields as any;
    if (!issuerKey || fields?.pickupToken || !(await isPickupOrder(ctx, connection, order))) return undefined;
    const store = fields?.pickupLocationCode || await pickupStoreOf(ctx, connection, order);
    const placedS = Math.floor((order.orderPlacedAt ?? new Date()).getTime() / 1000);
    return signPickupToken(issuerKey, store, order.code, placedS + tokenTtlS);
}

let processConnection: TransactionalConnection | undefined;

/* Signs while the order is being placed, so the order is never seen placed without its token. */
const pickupTokenProcess: OrderProcess<any> = {
    init(injector: Injector) {
        processConnection = injector.get(TransactionalConnection);
    },
    async onTransitionStart(fromState, toState, data) {
        if (!PLACED_STATES.includes(toState) || !processConnection) return;
        try {
            const token = await tokenFor(data.ctx, processConnection, data.order);
            if (!token) return;
            const fields = data.order.customFields as any;
            fields.pickupLocationCode = fields.pickupLocationCode || await pickupStoreOf(data.ctx, processConnection, data.order);
            fields.pickupToken = token;
        } catch (e: any) {
            Logger.error(`cannot sign a pickup token for ${data.order.code}: ${e.message}`, loggerCtx);
        }
    },
};

@Resolver()
class CurbsideKeysResolver {
    @Query()
    @Allow(Permission.ReadOrder)
    curbsidePickupKeys() {
        return issuerKey ? [{ kid: issuerKey.keyId, alg: 'Ed25519', publicKey: issuerKey.publicKeyBase64 }] : [];
    }
}

@VendurePlugin({
    imports: [PluginCommonModule],
    compatibility: '^3.0.0',
    adminApiExtensions: {
        schema: gql`
            type CurbsidePickupKey { kid: String! alg: String! publicKey: String! }
            extend type Query { curbsidePickupKeys: [CurbsidePickupKey!]! }
        `,
        resolvers: [CurbsideKeysResolver],
    },
    shopApiExtensions: {
        schema: announceShopApi,
        resolvers: [AnnounceResolver],
    },
    providers: [PickupAnnouncer],
    controllers: [PickupMessageController],
    configuration: config => {
        config.customFields.Order.push(...orderCustomFields);
        config.customFields.ShippingMethod.push(...shippingMethodCustomFields);
        config.orderOptions.process = [...(config.orderOptions.process ?? []), pickupTokenProcess];
        return config;
    },
})
export class CurbsidePlugin implements OnApplicationBootstrap {
    static options: CurbsidePluginOptions;

    constructor(private eventBus: EventBus, private connection: TransactionalConnection) {}

    static init(options: CurbsidePluginOptions) {
        this.options = options;
        issuerKey = loadOrCreatePickupTokenKey(options.signingKeyFile, options.keyId ?? 'v1');
        tokenTtlS = Math.round((options.tokenTtlHours ?? 14 * 24) * 3600);
        PickupAnnouncer.key = issuerKey;
        PickupAnnouncer.hint = body => CurbsidePlugin.sendHint(body);
        return CurbsidePlugin;
    }

    onApplicationBootstrap() {
        this.eventBus.ofType(OrderPlacedEvent).subscribe(event => {
            this.ensureToken(event).catch(e => Logger.error(`pickup token for ${event.order.code}: ${e.message}`, loggerCtx));
            CurbsidePlugin.sendHint({ type: 'order.placed', orderId: String(event.order.id), code: event.order.code });
        });
        this.eventBus.ofType(OrderStateTransitionEvent).subscribe(event => {
            if (event.order.active && !PLACED_STATES.includes(event.toState)) return; /* a cart */
            CurbsidePlugin.sendHint({ type: 'order.state', orderId: String(event.order.id), code: event.order.code,
                        fromState: event.fromState, toState: event.toState });
        });
        this.eventBus.ofType(FulfillmentStateTransitionEvent).subscribe(event =>
            CurbsidePlugin.sendHint({ type: 'fulfillment.state', fulfillmentId: String(event.fulfillment.id),
                        fromState: event.fromState, toState: event.toState }));
    }

    /* A fallback for orders placed some other way than the order process above. */
    private async ensureToken(event: OrderPlacedEvent) {
        const order = await this.connection.getRepository(event.ctx, Order).findOne({ where: { id: event.order.id } });
        const token = order ? await tokenFor(event.ctx, this.connection, order) : undefined;
        if (order && token) {
            const store = (order.customFields as any)?.pickupLocationCode || await pickupStoreOf(event.ctx, this.connection, order);
            await this.connection.getRepository(event.ctx, Order).update(order.id, {
                customFields: { pickupToken: token, pickupLocationCode: store },
            } as any);
        }
    }

    /* Fire and forget, 2 s at most. A hint carries no order data and the hub
     * trusts none (it only pulls at once), so the hub's self-signed
     * certificate is accepted. */
    static sendHint(body: Record<string, string>) {
        const url = CurbsidePlugin.options?.hintUrl;
        if (!url) return;
        const text = JSON.stringify({ ...body, at: new Date().toISOString() });
        const send = url.startsWith('https:') ? httpsRequest : httpRequest;
        const req = send(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
            timeout: 2000,
            ...(url.startsWith('https:') ? { rejectUnauthorized: false } : {}),
        }, res => res.resume());
        req.on('timeout', () => req.destroy());
        req.on('error', () => undefined);
        req.end(text);
    }
}
