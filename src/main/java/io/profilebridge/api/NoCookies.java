package io.profilebridge.api;

import java.util.Date;
import java.util.List;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.cookie.Cookie;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Gives the API calls' client a cookie store that keeps none: the APIs know the bridge by its bearer key and their
 * docs set no cookie, while Camel's default store kept every cookie a server set, for both APIs, for the cookie's
 * lifetime, and a server setting new ones grew each call's head until every call was refused (redirects audit). A
 * store rather than HttpClient's switch that turns cookie handling off: with that switch, bench/chaos.sh saw a call
 * inside a Retry-After window in 6 of 12 runs, against 0 of 6 with cookie handling on (Camel's store or this one) and 0
 * of 5 before the change; why was not found. The client's call chain stays as Camel builds it.
 */
public final class NoCookies implements HttpClientConfigurer {

    private static final CookieStore NONE_KEPT = new CookieStore() {
        @Override
        public void addCookie(Cookie cookie) {
            // kept nowhere
        }

        @Override
        public List<Cookie> getCookies() {
            return List.of();
        }

        @Override
        public boolean clearExpired(Date date) {
            return false;
        }

        @Override
        public void clear() {
            // nothing kept
        }
    };

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setDefaultCookieStore(NONE_KEPT);
    }
}
