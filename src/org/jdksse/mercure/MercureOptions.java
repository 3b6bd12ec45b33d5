package org.jdksse.mercure;

import java.util.Objects;

/**
 * How a Mercure endpoint authorizes and what it offers: the token verifiers for publishers and
 * subscribers, whether subscribers without a token are let in, and whether presence (the
 * subscriptions API and subscription events) is on. Immutable; build one with {@link #builder()}.
 *
 * <p>The rules that follow from it:
 * <ul>
 * <li>Publishing: with a publisher verifier, a token whose {@code mercure.publish} matches every
 *     topic of the update ({@code 401} without a valid token, {@code 403} when a topic is not
 *     covered); without one, only loopback clients may publish, to any topic.
 * <li>Subscribing: with a subscriber verifier, a valid token is needed ({@code 401}) unless
 *     {@link Builder#anonymous} is set, in which case a request without any token receives public
 *     updates (a token that is presented must still be valid). A token's {@code mercure.subscribe}
 *     gives the private updates it may receive. Without a subscriber verifier every subscriber
 *     is anonymous and receives public updates only; tokens are not read.
 * </ul>
 *
 * <pre>{@code
 * TokenVerifier key = TokenVerifier.of("HS256", System.getenv("MERCURE_JWT_SECRET"));
 * MercureOptions options = MercureOptions.builder().publisherKey(key).subscriberKey(key).anonymous(true).build();
 * }</pre>
 *
 * @see Mercure#handler
 */
public final class MercureOptions {
    /** The path of the hub that the protocol fixes. */
    public static final String WELL_KNOWN_PATH = "/.well-known/mercure";
    /** The cookie that carries a browser's token, as the protocol recommends. */
    public static final String COOKIE = "mercureAuthorization";

    private final TokenVerifier publisherKey;
    private final TokenVerifier subscriberKey;
    private final boolean anonymous;
    private final boolean subscriptions;
    private final String path;
    private final String cookie;

    private MercureOptions(Builder b) {
        this.publisherKey = b.publisherKey;
        this.subscriberKey = b.subscriberKey;
        this.anonymous = b.anonymous;
        this.subscriptions = b.subscriptions;
        this.path = b.path;
        this.cookie = b.cookie;
    }

    /**
     * Returns a builder with the defaults: no keys (publishing from loopback only, anonymous
     * subscribers with public updates), no presence, the well-known path and cookie.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the verifier of publishers' tokens.
     *
     * @return the verifier, or {@code null} when only loopback clients may publish
     */
    public TokenVerifier publisherKey() {
        return publisherKey;
    }

    /**
     * Returns the verifier of subscribers' tokens.
     *
     * @return the verifier, or {@code null} when every subscriber is anonymous
     */
    public TokenVerifier subscriberKey() {
        return subscriberKey;
    }

    /**
     * Says whether subscribers without a token are served (public updates only) although a
     * subscriber key is set.
     *
     * @return {@code true} if anonymous subscribers are let in
     */
    public boolean anonymous() {
        return anonymous;
    }

    /**
     * Says whether presence is on: subscription events and the subscriptions API.
     *
     * @return {@code true} if presence is on
     */
    public boolean subscriptions() {
        return subscriptions;
    }

    /**
     * Returns the path the endpoint is mounted at, which names the subscriptions API and the
     * topics of subscription events.
     *
     * @return the path, {@link #WELL_KNOWN_PATH} by default
     */
    public String path() {
        return path;
    }

    /**
     * Returns the name of the cookie read for a token.
     *
     * @return the cookie name, {@link #COOKIE} by default
     */
    public String cookie() {
        return cookie;
    }

    @Override
    public String toString() {
        return "MercureOptions[publisherKey=" + publisherKey + ", subscriberKey=" + subscriberKey + ", anonymous="
                + anonymous + ", subscriptions=" + subscriptions + ", path=" + path + ", cookie=" + cookie + "]";
    }

    /** Builds {@link MercureOptions}; not safe for use by several threads. */
    public static final class Builder {
        private TokenVerifier publisherKey;
        private TokenVerifier subscriberKey;
        private boolean anonymous;
        private boolean subscriptions;
        private String path = WELL_KNOWN_PATH;
        private String cookie = COOKIE;

        private Builder() {
        }

        /**
         * Sets the verifier of publishers' tokens.
         *
         * @param key the verifier, or {@code null} for loopback publishing without tokens
         * @return this builder
         */
        public Builder publisherKey(TokenVerifier key) {
            this.publisherKey = key;
            return this;
        }

        /**
         * Sets the verifier of subscribers' tokens.
         *
         * @param key the verifier, or {@code null} for anonymous subscribers only
         * @return this builder
         */
        public Builder subscriberKey(TokenVerifier key) {
            this.subscriberKey = key;
            return this;
        }

        /**
         * Lets subscribers without a token in (public updates only) when a subscriber key is set.
         *
         * @param anonymous whether to serve subscribers without a token
         * @return this builder
         */
        public Builder anonymous(boolean anonymous) {
            this.anonymous = anonymous;
            return this;
        }

        /**
         * Turns presence on or off: subscription events and the subscriptions API.
         *
         * @param on whether presence is on
         * @return this builder
         */
        public Builder subscriptions(boolean on) {
            this.subscriptions = on;
            return this;
        }

        /**
         * Sets the path the endpoint is mounted at.
         *
         * @param path an absolute path without a trailing slash, such as {@code /hub}
         * @return this builder
         * @throws IllegalArgumentException if the path does not start with {@code /}, ends with one,
         *         or holds a query, fragment or space
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || !path.matches("[!-~]+")
                    || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("path must be an absolute path such as /.well-known/mercure, not "
                        + Json.quote(path));
            }
            this.path = path;
            return this;
        }

        /**
         * Sets the name of the cookie read for a token.
         *
         * @param name a cookie name
         * @return this builder
         * @throws IllegalArgumentException if the name is empty or not a cookie token
         */
        public Builder cookie(String name) {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException("cookie must be a cookie name, not " + Json.quote(name));
            }
            this.cookie = name;
            return this;
        }

        /**
         * Returns the options.
         *
         * @return the options
         */
        public MercureOptions build() {
            return new MercureOptions(this);
        }
    }
}
