package org.vnicteam.api.verbs;

/** What a completed work request was. */
public enum WcOpcode {
    SEND, RECV
}
