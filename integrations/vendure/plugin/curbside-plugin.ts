/*
 * CurbsidePlugin: what a store's Vendure needs for Curbside pickup.
 *
 * - Order custom fields: pickupLocationCode (public, set at checkout),
 *   pickupStatus, pickupBay, customerArrivedAt (the store's facts, written by
 *   the hub), pickupToken (public, read-only: the QR in the order email).
 * - Issues the pickup token when a pickup order is placed, in the same
 *   transaction that places it, signed with the store chain's Ed25519 key.
 * - Admin API query curbsidePickupKeys: the public keys for hub keyrings.
 * - Optionally POSTs a small JSON hint to the hub on order changes. Only a
 *   hint: hubs sit behind NAT and poll; nothing depends on it arriving.
 */
import { OnApplicationBootstrap } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import {
    Allow,
    CustomFieldConfig,
    EventBus,
    FulfillmentStateTransitionEvent,
    LanguageCode,
    Logger,
    Order,
    OrderPlacedEvent,
    OrderProcess,
    OrderStateTransitionEvent,
    Permission,
    PluginCommonModule,
    TransactionalConnection,
    VendurePlugin,
} from '@vendure/core';
import gql from 'graphql-tag';

import { loadOrCreatePickupTokenKey, PickupTokenKey, signPickupToken } from './pickup-token';

export interface CurbsidePluginOptions {
    /** Secret key file (`curbside-ctl keygen` format); created when missing. */
    signingKeyFile: string;
    /** Key id for a newly created key, e.g. "v1". */
    keyId?: string;
    /** How long a pickup token stays valid after the order is placed. */
    tokenTtlHours?: number;
    /** Hub URL to POST change hints to, e.g. http://127.0.0.1:8443/hooks/vendure. */
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
];

let issuerKey: PickupTokenKey | undefined;
let tokenTtlS = 14 * 24 * 3600;

function tokenFor(order: Order): string | undefined {
    const fields = order.customFields as any;
    if (!issuerKey || !fields?.pickupLocationCode || fields.pickupToken) return undefined;
    const placedS = Math.floor((order.orderPlacedAt ?? new Date()).getTime() / 1000);
    return signPickupToken(issuerKey, fields.pickupLocationCode, order.code, placedS + tokenTtlS);
}

/* Signs while the order is being placed, so the order is never seen placed without its token. */
const pickupTokenProcess: OrderProcess<any> = {
    onTransitionStart(fromState, toState, data) {
        if (!PLACED_STATES.includes(toState)) return;
        try {
            const token = tokenFor(data.order);
            if (token) (data.order.customFields as any).pickupToken = token;
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
    configuration: config => {
        config.customFields.Order.push(...orderCustomFields);
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
        return CurbsidePlugin;
    }

    onApplicationBootstrap() {
        this.eventBus.ofType(OrderPlacedEvent).subscribe(event => {
            this.ensureToken(event).catch(e => Logger.error(`pickup token for ${event.order.code}: ${e.message}`, loggerCtx));
            this.hint({ type: 'order.placed', orderId: String(event.order.id), code: event.order.code });
        });
        this.eventBus.ofType(OrderStateTransitionEvent).subscribe(event => {
            if (event.order.active && !PLACED_STATES.includes(event.toState)) return; /* a cart */
            this.hint({ type: 'order.state', orderId: String(event.order.id), code: event.order.code,
                        fromState: event.fromState, toState: event.toState });
        });
        this.eventBus.ofType(FulfillmentStateTransitionEvent).subscribe(event =>
            this.hint({ type: 'fulfillment.state', fulfillmentId: String(event.fulfillment.id),
                        fromState: event.fromState, toState: event.toState }));
    }

    /* A fallback for orders placed some other way than the order process above. */
    private async ensureToken(event: OrderPlacedEvent) {
        const order = await this.connection.getRepository(event.ctx, Order).findOne({ where: { id: event.order.id } });
        const token = order ? tokenFor(order) : undefined;
        if (order && token) {
            await this.connection.getRepository(event.ctx, Order).update(order.id, { customFields: { pickupToken: token } } as any);
        }
    }

    private hint(body: Record<string, string>) {
        const url = CurbsidePlugin.options?.hintUrl;
        if (!url) return;
        fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ ...body, at: new Date().toISOString() }),
            signal: AbortSignal.timeout(2000),
        }).catch(() => undefined);
    }
}
