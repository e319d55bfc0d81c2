// maintenance-constructs: the viewer-request CloudFront Function of CloudFrontFunctionMaintenance.
// Runtime cloudfront-js-2.0. Everything that varies is data: CONFIG (written at synth time),
// and the store key CONFIG.key read at run time, whose grammar is VALUE (store_value.py).
import cf from 'cloudfront';
import crypto from 'crypto';

const CONFIG = __CONFIG__;
const VALUE = /__VALUE_PATTERN__/;
const TOKEN = /__TOKEN_PATTERN__/;
const SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = '__DIGITS__';
// <scope> (written only for a partial scope: CONFIG.scope)
const UNCLEAR = /__UNCLEAR_PATTERN__/i;
// </scope>

// An IPv4 address as its two 16-bit groups, or null.
function groups4(text) {
    var parts = text.split('.');
    if (parts.length !== 4) return null;
    for (var i = 0; i < 4; i++) {
        if (!/^[0-9]{1,3}$/.test(parts[i]) || +parts[i] > 255) return null;
    }
    return [parts[0] * 256 + +parts[1], parts[2] * 256 + +parts[3]];
}

// An IPv6 address as its eight 16-bit groups, or null.
function groups6(text) {
    var zone = text.indexOf('%');
    if (zone >= 0) text = text.substring(0, zone);
    var tail = [];
    if (text.indexOf('.') >= 0) {
        var colon = text.lastIndexOf(':');
        tail = groups4(text.substring(colon + 1));
        if (tail === null) return null;
        text = text.substring(0, colon + 1) + '0:0';
    }
    var halves = text.split('::');
    if (halves.length > 2) return null;
    var head = halves[0] === '' ? [] : halves[0].split(':');
    var rest = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
    var missing = 8 - head.length - rest.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
    for (var z = 0; halves.length === 2 && z < missing; z++) head.push('0');
    head = head.concat(rest);
    var out = [];
    for (var i = 0; i < 8; i++) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(head[i])) return null;
        out.push(parseInt(head[i], 16));
    }
    if (tail.length) out.splice(6, 2, tail[0], tail[1]);
    return out;
}

// 16-bit groups written as the records write addresses: `pad` zero bits, then 6 bits a digit.
function encode(groups, pad) {
    var out = '', value = 0, bits = pad;
    for (var i = 0; i < groups.length; i++) {
        value = (value << 16) | groups[i];
        bits += 16;
        while (bits >= 6) {
            bits -= 6;
            out += DIGITS.charAt((value >> bits) & 63);
            value &= (1 << bits) - 1;
        }
    }
    return out;
}

function digit(text, at) {
    return DIGITS.indexOf(text.charAt(at));
}

// Whether an encoded address lies in a table of compiled records (allowlist.py): sorted and
// disjoint, so the last start not above the address is the only candidate (a binary search
// of string comparisons; nothing is parsed but that record's prefix length).
function listed(address, records, size, pad) {
    var digits = address.length, width = digits + size;
    var low = 0, high = records.length / width - 1, found = -1;
    while (low <= high) {
        var middle = (low + high) >> 1;
        if (records.substr(middle * width, digits) <= address) {
            found = middle;
            low = middle + 1;
        } else {
            high = middle - 1;
        }
    }
    if (found < 0) return false;
    var at = found * width;
    var length = size === 1 ? digit(records, at + digits) : digit(records, at + digits) * 64 + digit(records, at + digits + 1);
    var whole = Math.floor((length + pad) / 6), part = (length + pad) % 6;
    if (address.substring(0, whole) !== records.substr(at, whole)) return false;
    if (part === 0) return true;
    var mask = (63 << (6 - part)) & 63;
    return (digit(address, whole) & mask) === (digit(records, at + whole) & mask);
}

// Whether the viewer's address is allow-listed (an IPv4-mapped IPv6 address counts as its
// IPv4 address too).
function allowed(ip) {
    if (ip.indexOf(':') < 0) {
        var v4 = groups4(ip);
        return v4 !== null && listed(encode(v4, 4), CONFIG.v4, 1, 4);
    }
    var v6 = groups6(ip);
    if (v6 === null) return false;
    if (v6.slice(0, 6).join() === '0,0,0,0,0,65535' && listed(encode(v6.slice(6), 4), CONFIG.v4, 1, 4)) {
        return true;
    }
    return listed(encode(v6.slice(0, 4), 2), CONFIG.v6, 2, 2) || listed(encode(v6, 4), CONFIG.v6l, 2, 4);
}

// The store's value as the grammar reads it: {kind: 'on' | 'off' | 'window' | 'until' | ''};
// a flip at a time ('on START', 'off START') is read as the state it gives at `now` ('until':
// on, and off from `end`).
function stored(value, now) {
    var found = typeof value === 'string' ? VALUE.exec(value.replace(SPACE, '')) : null;
    if (found === null) return { kind: '' };
    if (found[1]) {
        if (found[2] === undefined || found[2] === '' || now >= +found[2]) return { kind: found[1] };
        return found[1] === 'on' ? { kind: '' } : { kind: 'until', end: +found[2] };
    }
    var start = +found[3], end = +found[4];
    return start < end ? { kind: 'window', start: start, end: end } : { kind: '' };
}

// The state at `now` (epoch seconds): {on, until}, where until is the end of the run of
// windows (scheduled ones and the store's, overlapping or back to back) that covers now, or
// null when maintenance has no known end.
function state(value, now) {
    var read = stored(value, now);
    if (read.kind === 'off') return { on: false, until: null };
    if (read.kind === 'on') return { on: true, until: null };
    if (read.kind === 'until') return { on: true, until: read.end };
    var windows = read.kind === 'window' ? CONFIG.windows.concat([[read.start, read.end]]) : CONFIG.windows;
    var reach = now;
    for (var grew = true; grew;) {
        grew = false;
        for (var i = 0; i < windows.length; i++) {
            if (windows[i][0] <= reach && windows[i][1] > reach) {
                reach = windows[i][1];
                grew = true;
            }
        }
    }
    if (reach > now) return { on: true, until: CONFIG.enabled ? null : reach };
    return { on: CONFIG.enabled, until: null };
}

function header(request, name) {
    var found = request.headers[name];
    return found ? found.value : '';
}

function decode64(text) {
    var out = '', bits = 0, count = 0;
    for (var i = 0; i < text.length; i++) {
        var value = BASE64.indexOf(text.charAt(i));
        if (value < 0) break;
        bits = (bits << 6) | value;
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += String.fromCharCode((bits >> count) & 255);
            bits &= (1 << count) - 1;
        }
    }
    return out;
}

// Whether `candidate` is the bypass token: compared with its SHA-256 (a token given at synth),
// or with the deploy-time value (base64), which must itself be a well-formed token.
function isToken(candidate) {
    var token = CONFIG.token;
    if (token === null || typeof candidate !== 'string' || !TOKEN.test(candidate)) return false;
    if (token.sha256) {
        return crypto.createHash('sha256').update(candidate).digest('hex') === token.sha256;
    }
    var real = decode64(token.base64);
    return TOKEN.test(real) && candidate === real;
}

// Whether the URI starts with a bypass path, and nothing after it could climb out of it on
// an origin: no segment that starts with a dot, no ';' (Tomcat reads '..;' as '..'), no
// escape ('%'), no backslash.
function bypassed(request) {
    var uri = request.uri;
    for (var i = 0; i < CONFIG.paths.length; i++) {
        if (uri.indexOf(CONFIG.paths[i]) === 0) {
            return !/(^|\/)\.|;|%|\\/.test(uri.substring(CONFIG.paths[i].length));
        }
    }
    return false;
}

// <scope>
// The path as an origin reads it: percent-decoded ('/check%6Fut' is '/checkout', '%22' is
// '"'), or null when it does not decode (a '%' without two hex digits, invalid UTF-8).
function decoded(uri) {
    try {
        return decodeURIComponent(uri);
    } catch (error) {
        return null;
    }
}

// Whether the request is outside the maintenance scope (CONFIG.scope, null lists meaning
// every one): its method is not listed, or its decoded path is none of the exact paths and
// starts with none of the prefixes. A path an origin could read as another (UNCLEAR, in the
// path as sent: a segment that starts with a dot, an empty segment, ';', a backslash, an
// escaped dot, slash, backslash, percent sign or semicolon) or that does not decode counts as
// in scope.
function outside(request) {
    var scope = CONFIG.scope, uri = request.uri;
    if (scope.methods !== null && scope.methods.indexOf(request.method) < 0) return true;
    if (scope.exact === null || UNCLEAR.test(uri)) return false;
    var path = decoded(uri);
    if (path === null || scope.exact.indexOf(path) >= 0) return false;
    for (var i = 0; i < scope.prefixes.length; i++) {
        if (path.indexOf(scope.prefixes[i]) === 0) return false;
    }
    return true;
}
// </scope>

// The maintenance answer. The end of maintenance replaces CONFIG.mark in the body; without a
// known end, the ranges CONFIG gives for it (the HTML elements that hold it) are left out.
function answer(request, until, now) {
    var accept = header(request, 'accept');
    var chosen = CONFIG.browser && accept.indexOf('text/html') >= 0 ? CONFIG.browser : CONFIG.response;
    var headers = { 'content-type': { value: chosen.type }, 'cache-control': { value: 'no-store' } };
    var retry = until !== null ? Math.max(1, Math.ceil(until - now)) : chosen.retry;
    if (retry !== null) headers['retry-after'] = { value: String(retry) };
    for (var name in chosen.headers) headers[name] = { value: chosen.headers[name] };
    var data = chosen.body, end = '';
    if (until === null) {
        for (var i = chosen.cuts.length - 1; i >= 0; i--) {
            data = data.substring(0, chosen.cuts[i][0]) + data.substring(chosen.cuts[i][1]);
        }
    } else {
        end = new Date(until * 1000).toISOString();
    }
    return { statusCode: chosen.status, headers: headers,
        body: { encoding: 'text', data: data.split(CONFIG.mark).join(end) } };
}

function link(candidate) {
    var cookies = {};
    cookies[CONFIG.cookie] = { value: candidate,
        attributes: 'Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=43200' };
    return { statusCode: 302, statusDescription: 'Found', cookies: cookies,
        headers: { location: { value: '/' }, 'cache-control': { value: 'no-store' } } };
}

async function handler(event) {
    var request = event.request;
    var value = null;
    try {
        value = await cf.kvs(CONFIG.store).get(CONFIG.key);
    } catch (error) {
        value = null;
    }
    var now = Date.now() / 1000;
    var current = state(value, now);
    if (!current.on) return request;
    if (CONFIG.token !== null) {
        var uri = request.uri;
        if (uri.indexOf(CONFIG.link) === 0 && isToken(uri.substring(CONFIG.link.length))) {
            return link(uri.substring(CONFIG.link.length));
        }
        var cookie = request.cookies[CONFIG.cookie];
        if (isToken(header(request, CONFIG.header)) || (cookie && isToken(cookie.value))) {
            return request;
        }
    }
    // <scope>
    if (outside(request)) return request;
    // </scope>
    if (bypassed(request) || allowed(event.viewer.ip)) return request;
    return answer(request, current.until, now);
}
