/*
 * A local Vendure with the Curbside plugin, for tests and the demo.
 * Always on 127.0.0.1. Env:
 *   VENDURE_PORT        TCP port (default 3000)
 *   VENDURE_DATA_DIR    folder for vendure.sqlite and the token key (default ./data)
 *   CURB_HINT_URL       optional hub URL for change hints
 *   CURB_TOKEN_KEY_ID   key id for a new signing key (default v1)
 *   VENDURE_LIST_LIMIT  adminListQueryLimit (default 1000; Vendure's own default is 100)
 * Order e-mails (Vendure's EmailPlugin, with the pickup QR and "I'm on my way"
 * link) are written as JSON files to VENDURE_DATA_DIR/emails.
 * Prints "vendure: ready on http://127.0.0.1:PORT" when it serves.
 */
'use strict';
process.env.VENDURE_DISABLE_TELEMETRY = 'true';

const path = require('path');
const fs = require('fs');
const { bootstrap, DefaultLogger, JobQueueService, LogLevel, dummyPaymentHandler } = require('@vendure/core');
const { EmailPlugin } = require('@vendure/email-plugin');
const { CurbsidePlugin } = require('./dist/curbside-plugin');
const { curbsideEmailHandlers, CurbsideTemplateLoader } = require('./dist/pickup-email');

const port = Number(process.env.VENDURE_PORT || 3000);
const dataDir = path.resolve(process.env.VENDURE_DATA_DIR || 'data');
fs.mkdirSync(dataDir, { recursive: true });

const config = {
    apiOptions: {
        hostname: '127.0.0.1',
        port,
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        adminListQueryLimit: Number(process.env.VENDURE_LIST_LIMIT || 1000),
    },
    authOptions: {
        tokenMethod: ['bearer', 'cookie', 'api-key'],
        requireVerification: false,
        cookieOptions: { secret: 'curbside-local-vendure' },
        superadminCredentials: { identifier: 'superadmin', password: 'superadmin' },
    },
    dbConnectionOptions: {
        type: 'better-sqlite3',
        database: path.join(dataDir, 'vendure.sqlite'),
        synchronize: true,
        logging: false,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    logger: new DefaultLogger({ level: LogLevel.Error }),
    plugins: [
        CurbsidePlugin.init({
            signingKeyFile: path.join(dataDir, 'pickup-token.key'),
            keyId: process.env.CURB_TOKEN_KEY_ID || 'v1',
            hintUrl: process.env.CURB_HINT_URL || undefined,
        }),
        EmailPlugin.init({
            handlers: curbsideEmailHandlers({ publicUrl: `http://127.0.0.1:${port}` }),
            templateLoader: new CurbsideTemplateLoader(
                path.join(path.dirname(require.resolve('@vendure/email-plugin/package.json')), 'templates')),
            transport: { type: 'file', outputPath: path.join(dataDir, 'emails') },
            globalTemplateVars: { fromAddress: '"Curbside demo shop" <noreply@example.test>' },
        }),
    ],
};

bootstrap(config)
    /* jobs (the EmailPlugin's e-mails) run in this process: no separate worker here */
    .then(app => app.get(JobQueueService).start().then(() => app))
    .then(app => {
        console.log(`vendure: ready on http://127.0.0.1:${port}`);
        const stop = () => app.close().then(() => process.exit(0), () => process.exit(1));
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
    })
    .catch(err => {
        console.error('vendure: failed to start:', err);
        process.exit(1);
    });
