// A local OpenID Connect provider for the login tests: npm's oidc-provider (an OpenID-certified
// implementation) on 127.0.0.1 with a random port, a fresh RSA signing key, the clients and
// accounts the test passes in OIDC_TILBYDER_OPPSETT (JSON), and a login form of its own
// (user name and password) in place of the library's development pages. Consent is given
// automatically, as a first-party provider does. Prints {"issuer": …} on one line when ready.
//
//   OIDC_TILBYDER_OPPSETT='{"klienter": [...], "kontoer": {"kari": {"passord": "…",
//     "sub": "…", "claims": {...}}}}' node tests/sikkerhet/oidc_tilbyder.mjs

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const oppsett = JSON.parse(process.env.OIDC_TILBYDER_OPPSETT);
const kontoer = oppsett.kontoer;
const etterSub = new Map(Object.values(kontoer).map((k) => [k.sub, k]));

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signeringsnokkel = {
  ...privateKey.export({ format: 'jwk' }), kid: 'test-nokkel', use: 'sig', alg: 'RS256',
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function skjema(res, uid, feil) {
  res.statusCode = feil ? 401 : 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><title>Testtilbyder</title>
<h1>Testtilbyder – logg inn</h1>${feil ? `<p role="alert">${escape(feil)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Brukernavn <input name="brukernavn"></label>
<label>Passord <input name="passord" type="password"></label>
<button type="submit">Logg inn</button></form>`);
}

async function lesSkjema(req) {
  let tekst = '';
  for await (const del of req) tekst += del;
  return new URLSearchParams(tekst);
}

let behandle = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => behandle(req, res));

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: oppsett.klienter,
    jwks: { keys: [signeringsnokkel] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const konto = etterSub.get(sub);
      if (!konto) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...konto.claims }) };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  const oidc = provider.callback();

  behandle = async (req, res) => {
    const sti = new URL(req.url, issuer).pathname;
    const treff = sti.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!treff) return oidc(req, res);
    try {
      const { uid, prompt } = await provider.interactionDetails(req, res);
      if (prompt.name !== 'login') throw new Error(`uventet steg ${prompt.name}`);
      if (req.method === 'GET') return skjema(res, uid);
      const felt = await lesSkjema(req);
      const konto = kontoer[felt.get('brukernavn')];
      if (!konto || konto.passord !== felt.get('passord')) {
        return skjema(res, uid, 'Feil brukernavn eller passord.');
      }
      return await provider.interactionFinished(
        req, res, { login: { accountId: konto.sub } }, { mergeWithLastSubmission: false },
      );
    } catch (err) {
      res.statusCode = 400;
      res.end(String(err));
    }
  };
  console.log(JSON.stringify({ issuer }));
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
