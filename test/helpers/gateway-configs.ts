// Generated proxy configs for the real-proxy tests and the gateway benchmark. They are the
// configs of docs/gateways.md with ports and folders filled in; keep the two in step.

import { join } from 'node:path';

const IDENTITY = [
  ['Remote-User', 'remote_user'],
  ['Remote-Email', 'remote_email'],
  ['Remote-Name', 'remote_name'],
  ['Remote-Groups', 'remote_groups'],
  ['X-Auth-Request-User', 'x_auth_request_user'],
  ['X-Auth-Request-Email', 'x_auth_request_email'],
  ['X-Unlatch-User-Id', 'x_unlatch_user_id'],
  ['X-Unlatch-Token-Id', 'x_unlatch_token_id'],
  ['X-Unlatch-Scopes', 'x_unlatch_scopes'],
  ['X-Unlatch-Account-Type', 'x_unlatch_account_type'],
] as const;

/** Identity headers Unlatch leaves out when it does not know the value. */
const OPTIONAL = ['Remote-Email', 'Remote-Name', 'X-Auth-Request-Email'];

/** The protected paths and what each asks of the token (see test/gateways/gateway-suite.ts). */
export const ASKS: readonly { path: string; name: string; query: string }[] = [
  { path: '/orders/', name: 'orders', query: '?resource=orders' },
  { path: '/deploy/', name: 'deploy', query: '?scope=deploy' },
  { path: '/billing/', name: 'billing', query: '?audience=billing' },
  { path: '/', name: 'any', query: '' },
];

function nginxProtected(name: string): string {
  return `
      auth_request /_unlatch_${name};
${IDENTITY.map(([, v]) => `      auth_request_set $unlatch_${v} $upstream_http_${v};`).join('\n')}
      auth_request_set $unlatch_challenge $upstream_http_www_authenticate;
      add_header WWW-Authenticate $unlatch_forbidden_challenge always;
${IDENTITY.map(([h, v]) => `      proxy_set_header ${h} $unlatch_${v};`).join('\n')}
      proxy_set_header Authorization "";
      proxy_pass http://service;`;
}

/**
 * nginx with auth_request. auth: false gives the same server without the auth check, the
 * benchmark's comparison. Runs in the foreground as one process (master_process off), so the
 * test stops it by its PID.
 */
export function nginxConfig(options: {
  folder: string;
  port: number;
  app: number;
  upstream: number;
  auth?: boolean;
}): string {
  const { folder, port, app, upstream } = options;
  const auth = options.auth ?? true;
  const temp = (name: string) => `${name}_temp_path ${join(folder, name)};`;
  const authLocations = ASKS.map(
    ({ name, query }) => `
    location = /_unlatch_${name} {
      internal;
      proxy_pass http://unlatch/api/authz/auth-request${query};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }`,
  ).join('\n');
  const protectedLocations = ASKS.map(
    ({ path, name }) => `
    location ${path} {${auth ? nginxProtected(name) : `\n      proxy_pass http://service;`}
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }`,
  ).join('\n');
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(folder, 'nginx.pid')};
error_log ${join(folder, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  # nginx closes a client's connection after 1,000 requests by default; under the
  # benchmark's load that close now and then reaches autocannon as ECONNRESET (seen on the
  # gateway without auth too), which fails the run. One connection per client for its life.
  keepalive_requests 1000000;${
    auth
      ? `
  # nginx passes a 401's WWW-Authenticate on by itself; only a 403's must be added.
  map $status $unlatch_forbidden_challenge {
    403 $unlatch_challenge;
    default "";
  }`
      : ''
  }
  ${temp('client_body')}
  ${temp('proxy')}
  ${temp('fastcgi')}
  ${temp('uwsgi')}
  ${temp('scgi')}
  upstream unlatch {
    server 127.0.0.1:${app};
    keepalive 32;
  }
  upstream service {
    server 127.0.0.1:${upstream};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
${auth ? authLocations : ''}
${protectedLocations}
  }
}
`;
}

/**
 * Caddy with forward_auth. The admin endpoint is off (it would take the shared port 2019) and
 * Caddy's storage stays in the test's folder.
 */
export function caddyConfig(options: {
  folder: string;
  port: number;
  app: number;
  upstream: number;
}): string {
  const { folder, port, app, upstream } = options;
  const headers = IDENTITY.map(([h]) => h).join(' ');
  const handles = ASKS.map(
    ({ path, query }) => `
  route ${path === '/' ? '' : `${path}*`} {
    # In this order (route keeps it): a client must not pass its own identity headers
    # through, whatever forward_auth copies or leaves out.
    request_header -Remote-*
    request_header -X-Auth-Request-*
    request_header -X-Unlatch-*
    forward_auth 127.0.0.1:${app} {
      uri /api/authz/forward-auth${query}
      copy_headers ${headers}
    }
    # Caddy before 2.10 copies a header the answer lacks as its literal placeholder text
    # (caddyserver/caddy#6610); Unlatch leaves out an unknown email or name: drop those.
${OPTIONAL.map((h) => `    @unknown_${h} header_regexp ${h} ^\\{http\\.reverse_proxy\\.header\n    request_header @unknown_${h} -${h}`).join('\n')}
    reverse_proxy 127.0.0.1:${upstream} {
      header_up -Authorization
    }
  }`,
  ).join('\n');
  return `{
  admin off
  auto_https off
  storage file_system ${join(folder, 'storage')}
}

http://127.0.0.1:${port} {
${handles}
}
`;
}

/**
 * Apache with mod_oauth2 validating tokens by RFC 7662 introspection. The caller token goes in
 * as the client secret (client_secret_basic). Validation results are cached for
 * `cacheSeconds` (mod_oauth2's default is 300 s): a revocation shows after at most that.
 */
export function apacheConfig(options: {
  folder: string;
  port: number;
  app: number;
  upstream: number;
  callerToken: string;
  cacheSeconds: number;
}): string {
  const { folder, port, app, upstream, callerToken, cacheSeconds } = options;
  const modules = '/usr/lib/apache2/modules';
  const verify = new URLSearchParams({
    'introspect.auth': 'client_secret_basic',
    client_id: 'apache',
    client_secret: callerToken,
    'introspect.ssl_verify': 'false',
    expiry: String(cacheSeconds),
  }).toString();
  return `ServerRoot ${folder}
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile ${join(folder, 'httpd.pid')}
DefaultRuntimeDir ${folder}
Mutex file:${folder} default
ErrorLog ${join(folder, 'error.log')}
LogLevel warn
LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authn_core_module ${modules}/mod_authn_core.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule authz_user_module ${modules}/mod_authz_user.so
LoadModule headers_module ${modules}/mod_headers.so
LoadModule proxy_module ${modules}/mod_proxy.so
LoadModule proxy_http_module ${modules}/mod_proxy_http.so
LoadModule oauth2_module ${modules}/mod_oauth2.so

<Location />
  AuthType oauth2
  OAuth2TokenVerify introspect http://127.0.0.1:${app}/oauth/introspect ${verify}
  OAuth2TargetPass prefix=OAUTH2_CLAIM_&remote_user_claim=username
  Require valid-user
  RequestHeader unset Authorization
  ProxyPass http://127.0.0.1:${upstream}/
</Location>
`;
}
