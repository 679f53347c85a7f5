package io.profilebridge;

public final class ProfileBridge {
    public static void main(String[] args) {
    }
}
