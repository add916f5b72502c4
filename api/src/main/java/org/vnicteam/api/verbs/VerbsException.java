package org.vnicteam.api.verbs;

/** A verb that could not be carried out (errno of libibverbs), with the reason. */
public class VerbsException extends Exception {

    private static final long serialVersionUID = 1L;

    public VerbsException(String message) {
        super(message);
    }
}
