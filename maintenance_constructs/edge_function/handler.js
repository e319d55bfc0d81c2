// maintenance-constructs: the viewer-request CloudFront Function of CloudFrontFunctionMaintenance.
// Runtime cloudfront-js-2.0. CONFIG is written at synth time; the store key `maintenance`
// overrides it at run time: "on", "off", or "window <start> <end>" (epoch seconds, UTC).
import cf from 'cloudfront';

const CONFIG = __CONFIG__;
const KEY = 'maintenance';

function bytes4(text) {
    var parts = text.split('.');
    if (parts.length !== 4) return null;
    var out = [];
    for (var i = 0; i < 4; i++) {
        if (!/^[0-9]{1,3}$/.test(parts[i])) return null;
        var n = parseInt(parts[i], 10);
        if (n > 255) return null;
        out.push(n);
    }
    return out;
}

function bytes6(text) {
    var zone = text.indexOf('%');
    if (zone >= 0) text = text.substring(0, zone);
    var tail = [];
    var dot = text.lastIndexOf('.');
    if (dot >= 0) {
        var colon = text.lastIndexOf(':');
        var v4 = bytes4(text.substring(colon + 1));
        if (v4 === null) return null;
        tail = v4;
        text = text.substring(0, colon + 1) + '0:0';
    }
    var halves = text.split('::');
    if (halves.length > 2) return null;
    var head = halves[0] === '' ? [] : halves[0].split(':');
    var rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
    var missing = 8 - head.length - rest.length;
    if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
    var groups = head.slice();
    for (var z = 0; halves.length === 2 && z < missing; z++) groups.push('0');
    groups = groups.concat(rest);
    var out = [];
    for (var i = 0; i < 8; i++) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(groups[i])) return null;
        var n = parseInt(groups[i], 16);
        out.push(n >> 8, n & 255);
    }
    if (tail.length) out.splice(12, 4, tail[0], tail[1], tail[2], tail[3]);
    return out;
}

function within(address, network, length) {
    if (address === null || address.length !== network.length) return false;
    for (var i = 0; i < network.length && length > 0; i++, length -= 8) {
        var mask = length >= 8 ? 255 : (255 << (8 - length)) & 255;
        if ((address[i] & mask) !== (network[i] & mask)) return false;
    }
    return true;
}

// Whether the viewer's address is in one of CONFIG.cidrs (IPv4-mapped IPv6 addresses count as
// their IPv4 address too).
function allowed(ip) {
    var address = ip.indexOf(':') >= 0 ? bytes6(ip) : bytes4(ip);
    var mapped = null;
    if (address !== null && address.length === 16 && address.slice(0, 12).join('.') === '0.0.0.0.0.0.0.0.0.0.255.255') {
        mapped = address.slice(12);
    }
    for (var i = 0; i < CONFIG.cidrs.length; i++) {
        var cidr = CONFIG.cidrs[i].split('/');
        var network = cidr[0].indexOf(':') >= 0 ? bytes6(cidr[0]) : bytes4(cidr[0]);
        var length = parseInt(cidr[1], 10);
        if (within(address, network, length) || within(mapped, network, length)) return true;
    }
    return false;
}

// The state at `now` (epoch seconds): {on, until} where until is the end of the window that
// puts maintenance on (null when none is known).
function state(stored, now) {
    var words = typeof stored === 'string' ? stored.trim().split(/\s+/) : [];
    if (words[0] === 'on') return { on: true, until: null };
    if (words[0] === 'off') return { on: false, until: null };
    if (words[0] === 'window' && words.length === 3) {
        var start = Number(words[1]), end = Number(words[2]);
        if (now >= start && now < end) return { on: true, until: end };
    }
    for (var i = 0; i < CONFIG.windows.length; i++) {
        var w = CONFIG.windows[i];
        if (now >= w[0] && now < w[1]) return { on: true, until: w[1] };
    }
    return { on: CONFIG.enabled, until: null };
}

function header(request, name) {
    var found = request.headers[name];
    return found ? found.value : '';
}

function bypassed(request) {
    var uri = request.uri;
    // A path that could climb out of a bypass prefix never bypasses.
    if (/\/\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(uri)) return false;
    for (var i = 0; i < CONFIG.paths.length; i++) {
        if (uri.indexOf(CONFIG.paths[i]) === 0) return true;
    }
    return false;
}

function answer(request, until, now) {
    var accept = header(request, 'accept');
    var chosen = CONFIG.browser && accept.indexOf('text/html') >= 0 ? CONFIG.browser : CONFIG.response;
    var headers = { 'content-type': { value: chosen.type }, 'cache-control': { value: 'no-store' } };
    var retry = until !== null ? Math.max(1, Math.ceil(until - now)) : chosen.retry;
    if (retry !== null) headers['retry-after'] = { value: String(retry) };
    for (var name in chosen.headers) headers[name] = { value: chosen.headers[name] };
    var data = chosen.body;
    // The window's end where the body asks for it; without a known end, the HTML paragraph that
    // mentions it goes, and elsewhere the marker is left out.
    if (until === null) data = data.replace(/<p>[^<]*__MAINTENANCE_END__[^<]*<\/p>/g, '');
    var end = until === null ? '' : new Date(until * 1000).toISOString();
    data = data.split('__MAINTENANCE_END__').join(end);
    return { statusCode: chosen.status, headers: headers,
        body: { encoding: 'text', data: data } };
}

async function handler(event) {
    var request = event.request;
    var stored = null;
    try {
        stored = await cf.kvs(CONFIG.store).get(KEY);
    } catch (error) {
        stored = null; // no key: the deploy-time state and the windows decide
    }
    var now = Date.now() / 1000;
    var current = state(stored, now);
    if (!current.on) return request;
    var cookie = request.cookies[CONFIG.cookie];
    if (CONFIG.token !== null) {
        if (request.uri === CONFIG.link + CONFIG.token) {
            var cookies = {};
            cookies[CONFIG.cookie] = { value: CONFIG.token,
                attributes: 'Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=43200' };
            return { statusCode: 302, statusDescription: 'Found', cookies: cookies,
                headers: { location: { value: '/' }, 'cache-control': { value: 'no-store' } } };
        }
        if (header(request, CONFIG.header) === CONFIG.token || (cookie && cookie.value === CONFIG.token)) {
            return request;
        }
    }
    if (bypassed(request) || allowed(event.viewer.ip)) return request;
    return answer(request, current.until, now);
}
