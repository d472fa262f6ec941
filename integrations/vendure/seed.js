/*
 * Seeds a local Vendure for Curbside: a country, tax zone, three grocery
 * products, a pickup shipping method and the dummy payment method (once), then
 * places pickup orders through the real Shop API checkout.
 *
 *   node seed.js --url http://127.0.0.1:3000 --orders 5 --store store-001 [--concurrency 8]
 *                [--first-name NAME] [--last-name NAME] [--shipping pickup|delivery]
 *
 * The store's pickup method is a ShippingMethod whose custom field
 * pickupLocationCode is the store's code; --shipping delivery places orders
 * with another method (they still carry pickupLocationCode, as a storefront
 * might send it) that must get no token and never reach the store.
 *
 * One JSON line per placed order on stdout:
 *   {"id":"3","code":"…","state":"PaymentSettled","lines":[{"id":"5","sku":"…","qty":2}],"token":"…",
 *    "firstName":"…","lastName":"…","phone":"…"}
 */
'use strict';

const args = parseArgs(process.argv.slice(2));
const base = (args.url || 'http://127.0.0.1:3000').replace(/\/$/, '');
const storeCode = args.store || 'store-001';
const nOrders = Number(args.orders ?? 5);
const concurrency = Math.max(1, Number(args.concurrency || 1));
const shipping = args.shipping || 'pickup';

const FIRST = ['Sam', 'Ana', 'Lee', 'Priya', 'Tom', 'Mia', 'Omar', 'Zoe'];
const LAST = ['Rivera', 'Kowalski', 'Nguyen', 'Shah', 'Okafor', 'Müller', 'Smith', 'Dubois'];
const PRODUCTS = [
    { sku: 'GRO-EGGS-12', name: 'Free Range Eggs (12)', price: 399 },
    { sku: 'GRO-MILK-1L', name: 'Whole Milk 1 L', price: 129 },
    { sku: 'GRO-BREAD', name: 'Sourdough Loaf', price: 349 },
];

function parseArgs(argv) {
    const out = {};
    for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
    return out;
}

async function gql(api, query, variables, session) {
    const headers = { 'Content-Type': 'application/json' };
    if (session.token) headers.Authorization = `Bearer ${session.token}`;
    const res = await fetch(`${base}/${api}`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const token = res.headers.get('vendure-auth-token');
    if (token) session.token = token;
    const body = await res.json();
    if (body.errors) throw new Error(`${api}: ${JSON.stringify(body.errors[0].message)}`);
    const data = Object.values(body.data)[0];
    if (data && data.errorCode) throw new Error(`${api}: ${data.errorCode} ${data.message}`);
    return data;
}

const admin = {};
const adminGql = (q, v) => gql('admin-api', q, v, admin);
const en = name => [{ languageCode: 'en', name }];

async function setUp() {
    await adminGql(`mutation { login(username: "superadmin", password: "superadmin") {
        ... on CurrentUser { id } ... on ErrorResult { errorCode message } } }`);
    const code = `pickup-${storeCode}`;
    const existing = await adminGql(`query($c: String!) { shippingMethods(options: {filter: {code: {eq: $c}}}) { items { id } } }`, { c: code });
    if (existing.items.length) {
        return { shippingMethodId: existing.items[0].id, deliveryMethodId: await deliveryMethod(),
                 variants: await variantIds() };
    }

    const countries = await adminGql(`query { countries(options: {filter: {code: {eq: "US"}}}) { items { id } } }`);
    const countryId = countries.items.length ? countries.items[0].id
        : (await adminGql(`mutation($i: CreateCountryInput!) { createCountry(input: $i) { id } }`,
            { i: { code: 'US', enabled: true, translations: en('United States') } })).id;
    const zones = await adminGql(`query { zones(options: {filter: {name: {eq: "Curbside"}}}) { items { id } } }`);
    const zoneId = zones.items.length ? zones.items[0].id
        : (await adminGql(`mutation($i: CreateZoneInput!) { createZone(input: $i) { id } }`,
            { i: { name: 'Curbside', memberIds: [countryId] } })).id;
    await adminGql(`mutation($i: UpdateChannelInput!) { updateChannel(input: $i) {
        ... on Channel { id } ... on ErrorResult { errorCode message } } }`,
        { i: { id: '1', defaultTaxZoneId: zoneId, defaultShippingZoneId: zoneId } });
    const category = await adminGql(`mutation { createTaxCategory(input: {name: "Groceries", isDefault: true}) { id } }`);
    await adminGql(`mutation($i: CreateTaxRateInput!) { createTaxRate(input: $i) { id } }`,
        { i: { name: 'Groceries', enabled: true, value: 0, categoryId: category.id, zoneId } });
    for (const p of PRODUCTS) {
        const slug = p.sku.toLowerCase();
        const product = await adminGql(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`,
            { i: { translations: [{ languageCode: 'en', name: p.name, slug, description: '' }] } });
        await adminGql(`mutation($i: [CreateProductVariantInput!]!) { createProductVariants(input: $i) { id } }`,
            { i: [{ productId: product.id, sku: p.sku, price: p.price, stockOnHand: 1000000, taxCategoryId: category.id,
                    trackInventory: 'FALSE', translations: en(p.name) }] });
    }
    const method = await adminGql(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, { i: {
        code, fulfillmentHandler: 'manual-fulfillment',
        checker: { code: 'default-shipping-eligibility-checker', arguments: [{ name: 'orderMinimum', value: '0' }] },
        calculator: { code: 'default-shipping-calculator', arguments: [
            { name: 'rate', value: '0' }, { name: 'includesTax', value: 'auto' }, { name: 'taxRate', value: '0' }] },
        customFields: { pickupLocationCode: storeCode },
        translations: [{ languageCode: 'en', name: `Curbside pickup - ${storeCode}`, description: '' }] } });
    await adminGql(`mutation($i: CreatePaymentMethodInput!) { createPaymentMethod(input: $i) { id } }`, { i: {
        code: 'dummy', enabled: true,
        handler: { code: 'dummy-payment-handler', arguments: [{ name: 'automaticSettle', value: 'true' }] },
        translations: [{ languageCode: 'en', name: 'Dummy payment', description: '' }] } });
    return { shippingMethodId: method.id, deliveryMethodId: await deliveryMethod(), variants: await variantIds() };
}

/* A home delivery method: not a pickup method (no pickupLocationCode). */
async function deliveryMethod() {
    const existing = await adminGql(`query { shippingMethods(options: {filter: {code: {eq: "home-delivery"}}}) { items { id } } }`);
    if (existing.items.length) return existing.items[0].id;
    const method = await adminGql(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, { i: {
        code: 'home-delivery', fulfillmentHandler: 'manual-fulfillment',
        checker: { code: 'default-shipping-eligibility-checker', arguments: [{ name: 'orderMinimum', value: '0' }] },
        calculator: { code: 'default-shipping-calculator', arguments: [
            { name: 'rate', value: '0' }, { name: 'includesTax', value: 'auto' }, { name: 'taxRate', value: '0' }] },
        translations: [{ languageCode: 'en', name: 'Home delivery', description: '' }] } });
    return method.id;
}

async function variantIds() {
    const list = await adminGql(`query { productVariants(options: {take: 100}) { items { id sku } } }`);
    return PRODUCTS.map(p => list.items.find(v => v.sku === p.sku).id);
}

async function placeOrder(n, setup) {
    const shopper = {};
    const shop = (q, v) => gql('shop-api', q, v, shopper);
    const firstName = args['first-name'] || FIRST[n % FIRST.length];
    const lastName = args['last-name'] || LAST[Math.floor(n / FIRST.length) % LAST.length];
    const phone = `555-${String(1000 + (n % 9000)).padStart(4, '0')}`;
    const wanted = [[setup.variants[0], 2], [setup.variants[1], 1]];
    if (n % 3 === 2) wanted.push([setup.variants[2], 1]);
    for (const [variant, qty] of wanted) {
        await shop(`mutation($v: ID!, $q: Int!) { addItemToOrder(productVariantId: $v, quantity: $q) {
            ... on Order { id } ... on ErrorResult { errorCode message } } }`, { v: variant, q: qty });
    }
    await shop(`mutation($i: CreateCustomerInput!) { setCustomerForOrder(input: $i) {
        ... on Order { id } ... on ErrorResult { errorCode message } } }`,
        { i: { emailAddress: `shopper${n}-${Date.now()}@example.test`, firstName, lastName, phoneNumber: phone } });
    await shop(`mutation($i: CreateAddressInput!) { setOrderShippingAddress(input: $i) {
        ... on Order { id } ... on ErrorResult { errorCode message } } }`,
        { i: { fullName: `${firstName} ${lastName}`, streetLine1: '1 Main St', city: 'Springfield', postalCode: '12345', countryCode: 'US' } });
    await shop(`mutation($m: [ID!]!) { setOrderShippingMethod(shippingMethodId: $m) {
        ... on Order { id } ... on ErrorResult { errorCode message } } }`,
        { m: [shipping === 'delivery' ? setup.deliveryMethodId : setup.shippingMethodId] });
    await shop(`mutation($i: UpdateOrderInput!) { setOrderCustomFields(input: $i) {
        ... on Order { id } ... on ErrorResult { errorCode message } } }`, { i: { customFields: { pickupLocationCode: storeCode } } });
    await shop(`mutation { transitionOrderToState(state: "ArrangingPayment") {
        ... on Order { id } ... on OrderStateTransitionError { errorCode message transitionError } } }`);
    const order = await shop(`mutation { addPaymentToOrder(input: {method: "dummy", metadata: {}}) {
        ... on Order { id code state customFields { pickupToken } lines { id quantity productVariant { sku } } }
        ... on ErrorResult { errorCode message } } }`);
    return { id: order.id, code: order.code, state: order.state, token: order.customFields.pickupToken,
             lines: order.lines.map(l => ({ id: l.id, sku: l.productVariant.sku, qty: l.quantity })),
             firstName, lastName, phone };
}

async function main() {
    const started = Date.now();
    const setup = await setUp();
    let next = 0;
    const worker = async () => {
        while (next < nOrders) {
            const order = await placeOrder(next++, setup);
            process.stdout.write(JSON.stringify(order) + '\n');
        }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    console.error(`seed: ${nOrders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch(err => {
    console.error('seed:', err.message);
    process.exit(1);
});
