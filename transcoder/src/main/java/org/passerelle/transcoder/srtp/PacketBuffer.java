package org.passerelle.transcoder.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * jitsi-srtp's view of a packet that lives in someone else's array (a pooled RtpPacket's buffer,
 * a receive buffer, a send scratch). Reused: {@link #wrap} points it at the next packet without allocating.
 * The array must have room for the authentication tag; it never grows.
 */
public final class PacketBuffer implements ByteArrayBuffer {
    private byte[] buf;
    private int offset;
    private int length;

    public PacketBuffer wrap(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        return this;
    }

    @Override public byte[] getBuffer() { return buf; }
    @Override public int getOffset() { return offset; }
    @Override public int getLength() { return length; }
    @Override public void setLength(int len) { this.length = len; }
    @Override public void setOffset(int off) { this.offset = off; }
    @Override public boolean isInvalid() { return false; }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(buf, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > buf.length) {
            throw new IllegalStateException("no room for " + howMuch + " more bytes");
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buf, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = Math.max(0, length - len);
    }
}
