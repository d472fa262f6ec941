/*
 * "I'm on my way": the shopper tells the store when they will arrive, with
 * the pickup token alone (no login). The token is verified like the kiosk
 * verifies it (key, signature, expiry), then against the order: its store,
 * that it is not cancelled, and that the shopper has not arrived yet (an
 * announcement after the arrival is ignored). The order gets pickupEta and
 * pickupAnnouncedAt; the hub learns them on its next pull, or at once
 * through a change hint.
 */
import { Injectable } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import {
    Allow,
    Ctx,
    HistoryService,
    Order,
    Permission,
    RequestContext,
    Transaction,
    TransactionalConnection,
} from '@vendure/core';
import { HistoryEntryType } from '@vendure/common/lib/generated-types';
import gql from 'graphql-tag';

import { PickupTokenKey, verifyPickupToken } from './pickup-token';

export const ETA_MAX_MINUTES = 240;
/* pickupStatus values the hub writes once the shopper is there (or gone).
 * Not 'taken_on': staff took the order on while its shopper is still on the
 * way, who may well announce a new ETA. */
const ARRIVED_STATUSES = ['arrived', 'claimed', 'handed_over', 'partially_handed_over', 'no_show', 'returned_to_stock'];
const DONE_STATES = ['Delivered', 'PartiallyDelivered', 'Shipped'];

export const announceShopApi = gql`
    type CurbsidePickupAnnouncement {
        "announced, ignored (the shopper already arrived) or refused"
        status: String!
        "why it was refused: token_malformed, token_unknown_key, token_bad_signature, token_expired, token_other_store, cancelled, invalid_eta"
        error: String
        orderCode: String
        etaAt: DateTime
    }
    extend type Mutation {
        announcePickup(token: String!, etaMinutes: Int!): CurbsidePickupAnnouncement!
    }
`;

export interface Announcement {
    status: 'announced' | 'ignored' | 'refused';
    error?: string;
    orderCode?: string;
    etaAt?: Date;
}

export type HintFn = (body: Record<string, string>) => void;

@Injectable()
export class PickupAnnouncer {
    static key: PickupTokenKey | undefined;
    static hint: HintFn = () => undefined;

    constructor(private connection: TransactionalConnection, private history: HistoryService) {}

    async announce(ctx: RequestContext, token: string, etaMinutes: number, now = new Date()): Promise<Announcement> {
        const key = PickupAnnouncer.key;
        if (!key) return { status: 'refused', error: 'token_unknown_key' };
        const verified = verifyPickupToken(key, token, Math.floor(now.getTime() / 1000));
        if (!verified.claims) return { status: 'refused', error: verified.error };
        if (!Number.isInteger(etaMinutes) || etaMinutes < 0 || etaMinutes > ETA_MAX_MINUTES) {
            return { status: 'refused', error: 'invalid_eta' };
        }
        const claims = verified.claims;
        const order = await this.connection.getRepository(ctx, Order).findOne({ where: { code: claims.orderRef } });
        const fields = order?.customFields as any;
        if (!order || fields?.pickupLocationCode !== claims.storeId) return { status: 'refused', error: 'token_other_store' };
        if (order.state === 'Cancelled') return { status: 'refused', error: 'cancelled', orderCode: order.code };
        if (ARRIVED_STATUSES.includes(fields?.pickupStatus) || DONE_STATES.includes(order.state)) {
            return { status: 'ignored', orderCode: order.code };
        }
        const etaAt = new Date(now.getTime() + etaMinutes * 60 * 1000);
        await this.connection.getRepository(ctx, Order).update(order.id, {
            customFields: { pickupEta: etaAt, pickupAnnouncedAt: now },
            updatedAt: now,   /* the hub's version of the order grows with updatedAt */
        } as any);
        await this.history.createHistoryEntryForOrder({
            ctx, orderId: order.id, type: HistoryEntryType.ORDER_NOTE,
            data: { note: `Shopper on the way, expected at ${etaAt.toISOString()} [curbside:announce]` },
        }, false);
        PickupAnnouncer.hint({ type: 'order.announced', orderId: String(order.id), code: order.code });
        return { status: 'announced', orderCode: order.code, etaAt };
    }
}

@Resolver()
export class AnnounceResolver {
    constructor(private announcer: PickupAnnouncer) {}

    @Mutation()
    @Transaction()
    @Allow(Permission.Public)
    announcePickup(@Ctx() ctx: RequestContext, @Args() args: { token: string; etaMinutes: number }) {
        return this.announcer.announce(ctx, args.token, args.etaMinutes);
    }
}
